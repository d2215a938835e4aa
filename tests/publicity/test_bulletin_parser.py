import datetime

from publicity.bulletin import parse_bulletin

BULLETIN = """四川党史工作

第5期（总第77期）

中共四川省委党史研究室编

2020年7月15日

【工作动态】

广安市委党史研究室开展邓小平故里 讲解员培训

7月10日，广安市委党史研究室在邓小平故里举办讲解员培训班，讲解员们系统学习了邓小平同志的生平
和思想。培训采取专题授课与现场教学相

结合的方式进行。

（广安市委党史研究室宣教科供稿）

【经验交流】

成都市推进党史进校园的做法

成都市委党史研究室

成都市委党史研究室与市教育局合作，编写乡土党史读本。

【信息短波】

锦江区委党史研究室近日走访辖区革命遗址，了解保护利用现状。

（锦江区委党史研究室供稿）

报：中共四川省委

责编：王某某
"""


def test_a_bulletin_without_contents_and_with_full_width_brackets():
    parsed = parse_bulletin(BULLETIN)

    assert (parsed.title, parsed.number, parsed.total_number) == ("四川党史工作", 5, 77)
    assert parsed.date == datetime.date(2020, 7, 15)
    assert parsed.compiler == "中共四川省委党史研究室"
    assert parsed.sections == ["工作动态", "经验交流", "信息短波"]
    assert [(i.section, i.title, i.unit) for i in parsed.items] == [
        ("工作动态", "广安市委党史研究室开展邓小平故里讲解员培训", "广安市委党史研究室宣教科"),
        ("经验交流", "成都市推进党史进校园的做法", "成都市委党史研究室"),
        ("信息短波", "锦江区委党史研究室近日走访辖区革命遗址", "锦江区委党史研究室"),
    ]
    # A paragraph cut by a page break is joined again; wrapped lines lose their spaces.
    assert parsed.items[0].paragraphs[-1].endswith("培训采取专题授课与现场教学相结合的方式进行。")
    assert "生平和思想" in parsed.items[0].paragraphs[0]
    assert parsed.distribution == {"报": "中共四川省委"}
    assert parsed.editor_line == "责编：王某某"
    assert parsed.problems == []


def test_a_file_without_masthead_is_reported():
    parsed = parse_bulletin("【工作动态】\n\n某项工作\n\n正文。\n\n（某单位供稿）\n")

    assert "刊头缺少刊名" in parsed.problems
    assert "刊头缺少期号" in parsed.problems
