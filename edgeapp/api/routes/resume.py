"""Resume routes: the data, the PDF and its file name."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from edgeapp.api.deps import StateDep
from edgeapp.api.schemas import FileNameResponse
from edgeapp.documents import PdfStatus, attachment_header, pdf_download, pdf_status
from edgeapp.errors import NotFound

router = APIRouter(tags=["resume"])


@router.get("/resume_data", response_class=Response, responses={200: {"content": {"application/json": {}}}})
def get_resume_data(state: StateDep) -> Response:
    """The resume: personal info, experience, projects, skills and every other section."""
    resume = state.resume.resume
    if resume is None:
        raise NotFound(f"no resume is available: {state.resume.problem}")
    return Response(state.resume.json_body, media_type="application/json")


@router.get("/resume", response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
async def download_resume(state: StateDep) -> Response:
    """The resume PDF as an attachment; 404 when there is none."""
    download = await run_in_threadpool(pdf_download, state)
    if isinstance(download, PdfStatus):
        raise NotFound(f"no resume PDF: {download.detail}")
    content, file_name = download
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": attachment_header(file_name, "resume.pdf")},
    )


@router.get("/resume_file_name")
def get_resume_file_name(state: StateDep) -> FileNameResponse:
    """The PDF's download name (null when there is no PDF)."""
    return FileNameResponse(file_name=pdf_status(state).file_name)
