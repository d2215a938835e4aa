"""The quarterly submission report (信息报送季度通报) as rows and as an XLSX workbook."""

from openpyxl import Workbook
from openpyxl.styles import Font

from django.utils.translation import gettext as _

from portal.exports import xlsx_bytes, xlsx_sheet_append

from .selectors import QuarterlyRow


def quarterly_columns() -> list[str]:
    return [_("地区"), _("单位"), _("报送"), _("采用"), _("退回"), _("不予采用"), _("发布"), _("对方转载")]


def quarterly_values(row: QuarterlyRow) -> list:
    organisation = row.organisation
    return [
        str(organisation.get_region_display()),
        organisation.name,
        row.submitted,
        row.accepted,
        row.returned,
        row.declined,
        row.published,
        row.cross_posted,
    ]


def quarterly_totals(rows: list[QuarterlyRow]) -> list[int]:
    """The 合计 row's figures, column by column after 地区 and 单位."""
    return [sum(quarterly_values(row)[i] for row in rows) for i in range(2, len(quarterly_columns()))]


def quarterly_xlsx(*, rows: list[QuarterlyRow], year: int, quarter: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{year}Q{quarter}"
    heading = _("%(year)s年第%(quarter)s季度党史信息报送采用情况") % {"year": year, "quarter": quarter}
    xlsx_sheet_append(sheet, [heading])
    sheet["A1"].font = Font(bold=True)
    xlsx_sheet_append(sheet, quarterly_columns())
    for row in rows:
        xlsx_sheet_append(sheet, quarterly_values(row))
    xlsx_sheet_append(sheet, [_("合计"), "", *quarterly_totals(rows)])
    sheet.column_dimensions["B"].width = 32
    return xlsx_bytes(workbook)
