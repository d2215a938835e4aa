"""Imported Chinese prose gets full-width punctuation; English, numbers, times and addresses keep theirs."""

import pytest

from portal.text import chinese_punctuation_normalise

CHINESE_PROSE = [
    ("会上,集中学习了重要论述", "会上，集中学习了重要论述"),
    ("5月15日上午,市委党史研究室召开室务会", "5月15日上午，市委党史研究室召开室务会"),
    ("一是推进;二是开展;三是运用", "一是推进；二是开展；三是运用"),
    ("会议要求:严格落实", "会议要求：严格落实"),
    ("为什么要学党史?因为要守初心!", "为什么要学党史？因为要守初心！"),
    ("会议(第一次联席会议)召开", "会议（第一次联席会议）召开"),
    ("(市委党史研究室宣教处供稿)", "（市委党史研究室宣教处供稿）"),
    ("举办(2020年)活动", "举办（2020年）活动"),
    ("各区(县)委党史部门", "各区（县）委党史部门"),
    ('开展"读党史、守初心、担使命"读书分享活动', "开展“读党史、守初心、担使命”读书分享活动"),
    ('为什么"能"、为什么"行"、为什么"好"', "为什么“能”、为什么“行”、为什么“好”"),
    ("他说'好'。", "他说‘好’。"),
    ("他说:\"我们要'守初心'。\"", "他说：“我们要‘守初心’。”"),
    # A full-width mark carries its own space; the space a half-width comma left goes.
    ("重点任务, 研究风险", "重点任务，研究风险"),
    # A converted mark puts its neighbour in Chinese prose too.
    ("见附件,(注)", "见附件，（注）"),
    ("(1)加强学习", "（1）加强学习"),
    ("", ""),
]

MIXED = [
    ("使用Wagtail,一个内容管理系统", "使用Wagtail，一个内容管理系统"),
    ("会议结束, Mr. Wang发言", "会议结束，Mr. Wang发言"),
    ('他说:"OK"', "他说：“OK”"),
    ('参见"Red Rock"一书', "参见“Red Rock”一书"),
    ("共有1,000人参加,约占3.5%", "共有1,000人参加，约占3.5%"),
    ("上午09:30开会,下午3:30结束", "上午09:30开会，下午3:30结束"),
    ("时间: 09:30", "时间：09:30"),
    ("邮箱:xjc8542@163.com", "邮箱：xjc8542@163.com"),
    ("电话:023-63898542", "电话：023-63898542"),
    ("网址:https://www.example.com/a?b=1,2&c=3:4", "网址：https://www.example.com/a?b=1,2&c=3:4"),
    ("详见https://example.com/x,谢谢", "详见https://example.com/x，谢谢"),
    ("参见https://en.wikipedia.org/wiki/Foo_(bar)。", "参见https://en.wikipedia.org/wiki/Foo_(bar)。"),
    ("(见https://example.com/a)继续", "（见https://example.com/a）继续"),
    ("Xi'an是古都", "Xi'an是古都"),
    ("《红岩》,小说", "《红岩》，小说"),
]

UNTOUCHED = [
    "Hello, world! How are you? Fine; thanks: really.",
    'He said "hello" (twice), then left.',
    "I don't know; it's Xi'an's 'old town'.",
    "1,000 people; 3.5 percent; 09:30-11:00; ratio 3:2",
    "https://example.com/search?q=a,b&x=(1)",
    "mailto:someone@example.com, or call +86 (23) 6389-8542!",
    "Wagtail (a CMS), Django: both.",
    # Beside Chinese only across a space: not next to it.
    "中 , 中",
    # A lone quote cannot be told opening from closing.
    '他说"好',
    # Already full-width.
    "会议强调，加强“党史”宣传（重要）！",
]


@pytest.mark.parametrize(("text", "expected"), CHINESE_PROSE + MIXED)
def test_half_width_marks_beside_chinese_become_full_width(text, expected):
    assert chinese_punctuation_normalise(text) == expected


@pytest.mark.parametrize("text", UNTOUCHED)
def test_ascii_runs_keep_their_marks(text):
    assert chinese_punctuation_normalise(text) == text


def test_quotes_do_not_pair_across_lines():
    text = '第一段"引文\n第二段"引文'
    assert chinese_punctuation_normalise(text) == text


HTML = [
    ('<p>会议强调,加强"党史"宣传</p>', "<p>会议强调，加强“党史”宣传</p>"),
    # Attribute values, even Chinese ones, stay as written.
    (
        '<p><a href="https://example.com/?a=1,2" title="说明:(甲)">红岩村,纪念馆</a></p>',
        '<p><a href="https://example.com/?a=1,2" title="说明:(甲)">红岩村，纪念馆</a></p>',
    ),
    ('<img alt="图片,说明" src="a.png">图,说明', '<img alt="图片,说明" src="a.png">图，说明'),
    ("<p title='单引号:属性'>中文:说明</p>", "<p title='单引号:属性'>中文：说明</p>"),
    # Quotes pair across inline tags, never across paragraphs.
    ('<p>"<b>红岩精神</b>"</p>', "<p>“<b>红岩精神</b>”</p>"),
    ('<p>"第一段</p><p>"第二段</p>', '<p>"第一段</p><p>"第二段</p>'),
    # Entities, comments and code stay as written.
    ("<p>中文&amp;中文,&quot;好&quot;</p>", "<p>中文&amp;中文，&quot;好&quot;</p>"),
    ("<p>中文&#65;,中文</p>", "<p>中文&#65;，中文</p>"),
    ("<p>中文<!-- 注释,(甲) -->说明</p>", "<p>中文<!-- 注释,(甲) -->说明</p>"),
    ('<pre>打印("中文,")</pre><p>中文,</p>', '<pre>打印("中文,")</pre><p>中文，</p>'),
    ("<p>代码<code>f(x)</code>,结束</p>", "<p>代码<code>f(x)</code>，结束</p>"),
    ('<p>English, "quoted" (text).</p>', '<p>English, "quoted" (text).</p>'),
]


@pytest.mark.parametrize(("markup", "expected"), HTML)
def test_html_changes_only_text_nodes(markup, expected):
    assert chinese_punctuation_normalise(markup, html=True) == expected


def test_without_html_markup_is_text_like_any_other():
    # Plain text may hold angle brackets: nothing in it is a tag to skip.
    assert chinese_punctuation_normalise('<a title="中文,">') == "<a title=“中文，”>"


@pytest.mark.parametrize(
    "text",
    [text for text, _ in CHINESE_PROSE + MIXED] + UNTOUCHED + [markup for markup, _ in HTML],
)
def test_normalising_twice_changes_nothing_more(text):
    html = text.startswith("<")
    once = chinese_punctuation_normalise(text, html=html)
    assert chinese_punctuation_normalise(once, html=html) == once


def test_mixed_paragraph():
    text = (
        "5月19日,重庆市委党史研究室在成都签署协议(见https://example.com/a?b=1,2),"
        '并召开"第一次联席会议",会议室; In English, nothing changes: 1,000 (one thousand).'
    )
    assert chinese_punctuation_normalise(text) == (
        "5月19日，重庆市委党史研究室在成都签署协议（见https://example.com/a?b=1,2），"
        "并召开“第一次联席会议”，会议室；In English, nothing changes: 1,000 (one thousand)."
    )
