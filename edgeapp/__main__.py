"""The `edgeapp` command: open the window, serve headless, validate a resume, evaluate, make a PDF."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path
from typing import Any

from edgeapp import __version__
from edgeapp.config import Settings, config_files

DESCRIPTION = """\
edgeapp: your resume as an offline app, with an assistant that answers from it.

With no command it opens the portfolio window (add --kiosk for a fullscreen booth).
Configuration comes from environment variables (RESUME_DATA, RESUME_FILE, MODEL_PATH,
DATA_DIR, LOG_LEVEL, ALLOWED_ORIGINS, HOST, PORT, ...), an edgeapp.env file in the
per-user config folder or beside the app, or a .env file in the current folder.
"""

EPILOG = """\
examples:
  edgeapp                                   open the window on the configured resume
  edgeapp --kiosk                           fullscreen kiosk with idle reset
  edgeapp serve --port 8080                 serve headless; open the printed URL
  RESUME_DATA=me.json edgeapp serve         serve your own JSON Resume
  edgeapp validate me.json                  check a JSON Resume file
  edgeapp pdf me.pdf --resume-data me.json  render a PDF from a JSON Resume
  edgeapp eval questions.json               run a question set against the assistant
"""


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="edgeapp",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"edgeapp {__version__}")
    parser.add_argument("--kiosk", action="store_true", help="fullscreen kiosk: idle reset, operator PIN to exit")
    _add_common(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the portfolio headless and print its URL")
    serve.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8765; 0 picks a free one)")
    serve.add_argument("--kiosk", action="store_true", help="serve the page in kiosk mode (for a Chromium kiosk)")
    serve.add_argument("--browser", action="store_true", help="with --kiosk: also start Chromium in kiosk mode")
    _add_common(serve)

    validate = commands.add_parser("validate", help="check a JSON Resume file; exit 0 when it is readable")
    validate.add_argument("path", type=Path, help="the JSON Resume file")

    pdf = commands.add_parser("pdf", help="render a plain PDF of a JSON Resume")
    pdf.add_argument("output", type=Path, help="where to write the PDF")
    _add_common(pdf)

    report = commands.add_parser(
        "report", help="the owner's report (visitors, questions, unanswered questions, leads) and its exports"
    )
    report.add_argument("--event", help="the event's name (default: the running or latest event, else today)")
    report.add_argument("--out", type=Path, help="write leads.csv, leads.vcf, report.csv and report.json here")
    _add_common(report)

    evaluate = commands.add_parser("eval", help="run a question set against the assistant and report")
    evaluate.add_argument(
        "questions", type=Path, nargs="?", help="question set (JSON); default: every shipped question set"
    )
    _add_common(evaluate)
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--resume-data", type=Path, help="JSON Resume file (overrides RESUME_DATA)")
    parser.add_argument("--model", type=Path, help="GGUF model file (overrides MODEL_PATH)")
    parser.add_argument("--no-model", action="store_true", help="do not load a model: data-built answers only")
    parser.add_argument("--data-dir", type=Path, help="database and logs folder (overrides DATA_DIR)")
    parser.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show the traceback when edgeapp cannot start"
    )


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings from files and the environment, with command-line options on top."""
    overrides: dict[str, Any] = {}
    for option, field in (
        ("resume_data", "resume_data"),
        ("model", "model_path"),
        ("data_dir", "data_dir"),
        ("host", "host"),
        ("port", "port"),
    ):
        value = getattr(args, option, None)
        if value is not None:
            overrides[field] = value
    if getattr(args, "no_model", False):
        overrides["model_enabled"] = False
    if getattr(args, "kiosk", False):
        overrides["kiosk"] = True
    return Settings(_env_file=config_files(), **overrides)


def cmd_validate(path: Path) -> int:
    """Print each problem of a resume file; 0 when there are none."""
    from edgeapp.resume.loader import validate_file

    problems = validate_file(path)
    if not problems:
        print(f"{path}: ok")
        return 0
    for problem in problems:
        print(f"{path}: {problem.path}: {problem.reason}", file=sys.stderr)
    return 1


def cmd_pdf(settings: Settings, output: Path) -> int:
    """Render the configured resume as a PDF."""
    from edgeapp.errors import PdfFontsMissing, ResumeInvalid
    from edgeapp.resume.loader import default_resume_path, load_resume
    from edgeapp.resume.pdf import render_resume_pdf

    try:
        resume = load_resume(settings.resume_data or default_resume_path())
        rendered = render_resume_pdf(resume, extra_font_dirs=settings.pdf_font_dirs)
    except (ResumeInvalid, PdfFontsMissing) as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    output.write_bytes(rendered.content)
    print(f"wrote {output}")
    if rendered.uncovered:
        codes = ", ".join(f"U+{ord(char):04X}" for char in sorted(rendered.uncovered))
        print(f"warning: no font has these characters, left out: {codes}", file=sys.stderr)
    return 0


def cmd_report(settings: Settings, *, event: str | None, out: Path | None) -> int:
    """Print the owner's report and write its exports (reads the database; the app may be running)."""
    from sqlmodel import Session

    from edgeapp import owner_events
    from edgeapp.db import create_db_engine
    from edgeapp.errors import NotFound
    from edgeapp.report import build_report
    from edgeapp.report_export import summary_text, write_exports
    from edgeapp.resume.entries import build_entries
    from edgeapp.resume.loader import default_resume_path, load_resume
    from edgeapp.visitor_data import forget_older_than

    db = create_db_engine(settings.database_target, device_id=settings.device_id)
    try:
        forget_older_than(db, days=settings.report_retention_days)
        try:
            entries = build_entries(load_resume(settings.resume_data or default_resume_path()))
        except Exception:  # a broken resume only costs the report its entry names
            entries = []
        with Session(db) as session:
            try:
                span = owner_events.span_of(session, owner_events.by_name(session, event).id if event else None)
            except NotFound as exc:
                print(f"error: {exc.message}", file=sys.stderr)
                return 1
            report = build_report(session, span, entries=entries)
    finally:
        db.dispose()
    print(summary_text(report), end="")
    if out is not None:
        for path in write_exports(report, out):
            print(f"wrote {path}")
    return 0


def cmd_serve(settings: Settings, *, browser: bool = False) -> int:
    """Serve headless until interrupted."""
    from edgeapp.app import create_app
    from edgeapp.kiosk_pin import generated_pin_notice
    from edgeapp.logs import configure_logging
    from edgeapp.server import PortBusy, bind_socket, make_server, url_of
    from edgeapp.state import AppState

    configure_logging(
        settings.log_level,
        settings.log_dir,
        max_bytes=settings.log_max_bytes,
        backups=settings.log_backups,
    )
    try:
        sock = bind_socket(settings.host, settings.port)
    except PortBusy as exc:
        print(f"error: {exc}. Choose another with --port or PORT.", file=sys.stderr)
        return 2
    app = create_app(settings)
    url = url_of(sock)
    print(f"edgeapp serving {url}  (Ctrl+C to stop)", flush=True)
    state: AppState = app.state.edgeapp
    if state.kiosk_pin_generated and state.kiosk_pin:
        print(generated_pin_notice(state.kiosk_pin, settings.data_dir), flush=True)
    if browser:
        from edgeapp.kiosk_browser import launch_kiosk_browser

        launch_kiosk_browser(url)
    server = make_server(app, log_level=settings.log_level)
    server.run(sockets=[sock])
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `edgeapp` command."""
    args = build_parser().parse_args(argv)
    if args.command == "validate":
        return cmd_validate(args.path)
    settings: Settings | None = None
    try:
        settings = settings_from_args(args)
        return run_command(args, settings)
    except Exception as exc:  # whatever stops the start: plain lines, the traceback only with --debug
        from edgeapp.startup import explain

        if getattr(args, "debug", False):
            traceback.print_exc()
        print(f"error: {explain(exc, settings)}", file=sys.stderr)
        return 2 if settings is None else 1


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the command `args` names with `settings`."""
    if args.command == "serve":
        return cmd_serve(settings, browser=args.browser)
    if args.command == "pdf":
        return cmd_pdf(settings, args.output)
    if args.command == "report":
        return cmd_report(settings, event=args.event, out=args.out)
    if args.command == "eval":
        from edgeapp.chat.evaluation import main_eval

        logging.basicConfig(level=logging.WARNING)
        return main_eval(args.questions, settings)
    from edgeapp.desktop import run_desktop

    return run_desktop(settings)


if __name__ == "__main__":
    sys.exit(main())
