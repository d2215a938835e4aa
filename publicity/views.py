from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from portal.pdf import pdf_view

from .models import BulletinIssue
from .naming import bulletin_issue_name
from .pdf import bulletin_pdf
from .selectors import bulletin_issue_archive, bulletin_issue_items


def bulletin_archive(request):
    """Every issue of the work bulletins by year, as far as the reader may read their items."""
    return render(
        request, "publicity/bulletin_archive.html", {"years": bulletin_issue_archive(user=request.user)}
    )


def bulletin_issue_detail(request, pk: int):
    """An issue of the bulletin compiled as a web page: masthead, contents, items, distribution."""
    issue = get_object_or_404(BulletinIssue, pk=pk)
    sections = bulletin_issue_items(issue=issue, user=request.user)
    if not sections:
        raise Http404
    # The crumb marks its Chinese masthead itself; the number is in the reader's language.
    crumb = bulletin_issue_name(issue, marked=True)
    context = {"issue": issue, "sections": sections, "breadcrumb_title": crumb}
    return render(request, "publicity/bulletin_issue.html", context)


@pdf_view
def bulletin_issue_pdf(request, pk: int):
    issue = get_object_or_404(BulletinIssue, pk=pk)
    sections = bulletin_issue_items(issue=issue, user=request.user)
    if not sections:
        raise Http404
    response = HttpResponse(bulletin_pdf(issue=issue, sections=sections), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bulletin-{issue.year}-{issue.number}.pdf"'
    return response
