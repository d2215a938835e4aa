"""Bulk deposit: a folder of files plus a CSV of metadata; bad rows are reported and leave nothing."""

import io

import pytest

from django.core.management import CommandError, call_command

from materials.models import Material, MaterialFile
from portal.models import Topic

from .conftest import stored_files
from .factories import ELF, PDF

pytestmark = pytest.mark.django_db

CSV = """filename,title,type,period,date_from,date_to,topics,access_level,description,collection
qijiang.pdf,中央红军长征过綦江的群众路线,论文,新民主主义革命时期,1935-01,1935-01,地点:綦江;事件:中央红军长征,公开,綦江区党史部门研究成果,渝黔党史研究合作平台
virus.pdf,伪装成PDF的程序,档案,,,,地点:遵义,协作单位,,
missing.pdf,找不到文件的资料,档案,,,,,public,,
bishan.txt,璧山红色故事选编,文献,new_democratic,,,綦江,partners,红色故事,
liu.txt,刘德惠烈士史料,档案,,1949,,人物:刘德惠,internal,,九龙坡区委党史研究室
"""


@pytest.fixture
def folder(tmp_path):
    files = tmp_path / "deposit"
    files.mkdir()
    (files / "qijiang.pdf").write_bytes(PDF)
    (files / "virus.pdf").write_bytes(ELF)
    (files / "bishan.txt").write_text("璧山红色故事", encoding="utf-8")
    (files / "liu.txt").write_text("刘德惠烈士成长历程", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(CSV, encoding="utf-8")
    return files


def test_import_reports_each_row_and_bad_rows_leave_nothing(folder, own_organisation, private_media):
    out = io.StringIO()
    call_command(
        "materials_import",
        str(folder),
        str(folder.parent / "metadata.csv"),
        organisation="cq-qijiang",
        stdout=out,
    )
    report = out.getvalue()
    lines = [line for line in report.splitlines() if "第" in line and "行" in line]
    assert len(lines) == 5
    assert "[" in lines[0] and "1/5" in lines[0] and "5/5" in lines[-1]  # progress bar
    assert "qijiang.pdf：已导入" in lines[0]
    assert "virus.pdf：未导入" in lines[1] and "可执行程序" in lines[1]
    assert "missing.pdf：未导入" in lines[2] and "找不到文件" in lines[2]
    assert "liu.txt：已导入" in lines[4]
    assert "导入 3 行，未导入 2 行" in report

    assert set(Material.objects.values_list("title", flat=True)) == {
        "中央红军长征过綦江的群众路线",
        "璧山红色故事选编",
        "刘德惠烈士史料",
    }
    # The refused row's new topic (遵义) was taken back with it.
    assert not Topic.objects.filter(name="遵义").exists()
    assert MaterialFile.objects.count() == len(stored_files(private_media)) == 3

    qijiang = Material.objects.get(title="中央红军长征过綦江的群众路线")
    assert qijiang.material_type == "paper" and qijiang.period == "new_democratic"
    assert (str(qijiang.date_from), str(qijiang.date_to)) == ("1935-01-01", "1935-01-31")
    assert set(qijiang.topics.values_list("name", flat=True)) == {"綦江", "中央红军长征"}
    assert qijiang.collection == "渝黔党史研究合作平台"
    assert qijiang.origin_organisation == own_organisation
    liu = Material.objects.get(title="刘德惠烈士史料")
    assert liu.access_level == "internal" and str(liu.date_from) == "1949-01-01"


def test_running_the_import_again_imports_nothing_twice(folder, own_organisation):
    csv = str(folder.parent / "metadata.csv")
    call_command("materials_import", str(folder), csv, organisation="cq-qijiang", stdout=io.StringIO())
    out = io.StringIO()
    call_command("materials_import", str(folder), csv, organisation="cq-qijiang", stdout=out)
    assert "已有同名资料" in out.getvalue()
    assert Material.objects.count() == 3


def test_a_csv_cannot_reach_files_outside_the_folder(folder, own_organisation, tmp_path):
    (tmp_path / "secret.txt").write_text("外部文件", encoding="utf-8")
    (tmp_path / "escape.csv").write_text("filename,title,type\n../secret.txt,越界,档案\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "materials_import", str(folder), str(tmp_path / "escape.csv"), organisation="cq-qijiang", stdout=out
    )
    assert "找不到文件" in out.getvalue()
    assert not Material.objects.exists()


def test_unknown_organisation_is_an_error(folder):
    with pytest.raises(CommandError, match="未知的单位代码"):
        call_command(
            "materials_import", str(folder), str(folder.parent / "metadata.csv"), organisation="nowhere"
        )


NORMALISED_CSV = """filename,title,type,period,date_from,date_to,topics,access_level,description,collection
hongyan.txt,红岩村(南方局旧址)调查报告,档案,,,,,公开,"调查对象:红岩村,曾家岩50号;共1,000页",档案馆"红岩"专藏
"""


def test_imported_chinese_text_has_full_width_punctuation(folder, own_organisation):
    (folder / "hongyan.txt").write_text("红岩村调查", encoding="utf-8")
    sheet = folder.parent / "normalised.csv"
    sheet.write_text(NORMALISED_CSV, encoding="utf-8")

    call_command("materials_import", str(folder), str(sheet), organisation="cq-qijiang", stdout=io.StringIO())

    material = Material.objects.get()
    assert material.title == "红岩村（南方局旧址）调查报告"
    assert material.description == "调查对象：红岩村，曾家岩50号；共1,000页"
    assert material.collection == "档案馆“红岩”专藏"


def test_a_title_stored_as_the_sheet_wrote_it_is_still_the_same_material(folder, own_organisation):
    (folder / "hongyan.txt").write_text("红岩村调查", encoding="utf-8")
    sheet = folder.parent / "normalised.csv"
    sheet.write_text(NORMALISED_CSV, encoding="utf-8")
    call_command("materials_import", str(folder), str(sheet), organisation="cq-qijiang", stdout=io.StringIO())
    # As imported before titles were normalised.
    Material.objects.update(title="红岩村(南方局旧址)调查报告")

    out = io.StringIO()
    call_command("materials_import", str(folder), str(sheet), organisation="cq-qijiang", stdout=out)

    assert "已有同名资料" in out.getvalue()
    assert Material.objects.count() == 1
