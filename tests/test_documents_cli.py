"""`flask render-samples OUTDIR` writes every document kind as PDF and DOCX."""
from __future__ import annotations

import pytest

from workflow_app import create_app
from workflow_app.config import TestConfig
from workflow_app.documents import samples

from .helpers import docx_open, pdf_pages


@pytest.mark.slow
def test_render_samples_writes_pdf_and_docx_for_every_kind(tmp_path):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'cli.db'}",
                  UPLOAD_DIR=str(tmp_path / "uploads"))
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["render-samples", str(out), "--samples-only"])
    assert result.exit_code == 0, result.output
    names = sorted(samples.all_samples())
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{n}.{ext}" for n in names for ext in ("pdf", "docx"))
    assert "П Р И К А З" in pdf_pages((out / "order_results.pdf").read_bytes())[0]
    assert docx_open((out / "protocol.docx").read_bytes()).paragraphs


@pytest.mark.demo
def test_render_samples_uses_the_demo_data(app, tmp_path):
    out = tmp_path / "demo"
    result = app.test_cli_runner().invoke(args=["render-samples", str(out)])
    assert result.exit_code == 0, result.output
    kinds = {"order_signed", "order_draft", "score_sheet", "score_sheet_blind", "rating_sheet", "protocol",
             "certificate", "registry_extract", "letter"}
    assert {p.stem for p in out.iterdir()} == kinds  # every kind from the database, no sample fallback
    order = pdf_pages((out / "order_signed.pdf").read_bytes())[0]
    assert "П Р И К А З" in order and "№ 1" in order
    protocol = "\n".join(p.text for p in docx_open((out / "protocol.docx").read_bytes()).paragraphs)
    assert "Лучшая методическая практика 2026" in protocol
