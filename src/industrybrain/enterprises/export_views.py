"""Exports from the enterprise list: small ones answer at once, large ones run as background
jobs (exportjobs.py) with a page that shows their progress and then the download link."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from industrybrain.enterprises import exportjobs, exports, imports
from industrybrain.enterprises.models import ExportJob


def _params(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_http_methods(["GET", "POST"])
def export_view(request, kind, fmt):
    if kind not in imports.KINDS or fmt not in ("xlsx", "csv"):
        raise Http404
    params = _params(request) if request.method == "GET" else request.POST.get("params", "")
    enterprises = exportjobs.enterprises_for(request.user, params)
    rows = exports.count_for(kind, enterprises)
    if rows > exportjobs.background_rows():
        if request.method != "POST":
            # A GET writes nothing: it offers the background export, a POST starts it.
            return render(request, "enterprises/export_start.html", {
                "kind": kind, "fmt": fmt, "params": params, "rows": rows,
                "label": exports.KIND_LABELS.get(kind, kind)})
        # The same export asked again while it runs (a double click) leads to the same job.
        job = ExportJob.objects.filter(
            created_by=request.user, kind=kind, fmt=fmt, params=params,
            status__in=["queued", "running"]).first() or exportjobs.start(
            request.user, kind, fmt, params)
        return redirect("enterprises:export_job", pk=job.pk)
    headers, rows = exports.rows_for(kind, enterprises, fmt)
    return exports.table_response(kind, fmt, headers, rows)


def _own_job(request, pk) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, created_by=request.user)


@login_required
def export_job(request, pk):
    exportjobs.reap()
    job = _own_job(request, pk)
    return render(request, "enterprises/export_job.html", {
        "job": job, "label": exports.KIND_LABELS.get(job.kind, job.kind),
        "working": job.status in ("queued", "running"), "keep_days": exportjobs.keep_days(),
    })


@login_required
def export_download(request, pk):
    job = _own_job(request, pk)
    if job.status != "done" or not job.file_name:
        raise Http404
    path = exportjobs.folder() / job.file_name
    if not path.exists():
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True,  # noqa: SIM115 FileResponse closes it
                        filename=f"{job.kind}.{job.fmt}",
                        content_type=exports.XLSX if job.fmt == "xlsx" else "text/csv; charset=utf-8")
