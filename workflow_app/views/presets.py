"""Competition presets for admins: the list, a copy, the edit page (staff may look)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..forms import version_of
from ..forms.presets import PresetCopyForm, PresetForm
from ..models.preset import CompetitionPreset
from ..services.competition.presets import store
from ..services.competition.presets import text as preset_text
from ..services.competition.presets.validate import OUTPUT_DOCUMENTS
from . import authorize, get_or_404, refusal
from .nav import NavItem, register_nav

bp = Blueprint("presets", __name__)
register_nav(NavItem("Шаблоны конкурсов", "presets.index", "preset.list", "files"))


@bp.route("/presets")
@login_required
def index():
    authorize("preset.list")
    return render_template("presets/index.html", presets=store.all_presets(), copy_form=PresetCopyForm(),
                           outputs=OUTPUT_DOCUMENTS, can_edit=policy.can(current_user, "preset.edit"))


@bp.route("/presets/<int:preset_id>/copy", methods=["POST"])
@login_required
def copy(preset_id: int):
    source = get_or_404(CompetitionPreset, preset_id, "preset.copy")
    form = PresetCopyForm()
    if not form.validate_on_submit():
        flash("Не удалось скопировать шаблон: обновите страницу и повторите.", "danger")
        return redirect(url_for(".index"))
    with refusal() as refused:
        p = store.copy_preset(source, actor=current_user, name=form.name.data or "")
    if refused:
        return redirect(url_for(".index"))
    flash(f"Создана копия шаблона: «{p.name}». Измените её и сохраните.", "success")
    return redirect(url_for(".edit", preset_id=p.id))


def _form_data(p: CompetitionPreset) -> dict:
    return {"version": p.version, "name": p.name, "kind": p.kind.name, "is_default": p.is_default,
            "applicant_kind": p.applicant_kind.name, "code_prefix": p.code_prefix, "description": p.description,
            "output_documents": list(p.output_documents or []),
            "expert_status_types": ", ".join(p.expert_status_types or []),
            "sections": preset_text.sections_to_text(p.sections), "tracks": preset_text.tracks_to_text(p.tracks),
            "stages": preset_text.stages_to_text(p.stages), "criteria": preset_text.criteria_to_text(p.criteria)}


def _posted(form: PresetForm) -> dict:
    return {"name": form.name.data, "kind": form.kind.data, "is_default": form.is_default.data,
            "applicant_kind": form.applicant_kind.data, "code_prefix": form.code_prefix.data,
            "description": form.description.data, "output_documents": form.output_documents.data or [],
            "expert_status_types": (form.expert_status_types.data or "").replace(";", ",").split(","),
            "sections": preset_text.text_to_sections(form.sections.data),
            "tracks": preset_text.text_to_tracks(form.tracks.data),
            "stages": preset_text.text_to_stages(form.stages.data),
            "criteria": preset_text.text_to_criteria(form.criteria.data)}


@bp.route("/presets/<int:preset_id>", methods=["GET", "POST"])
@login_required
def edit(preset_id: int):
    p = get_or_404(CompetitionPreset, preset_id, "preset.view")
    can_edit = policy.can(current_user, "preset.edit", p)
    form = PresetForm(data=None if request.method == "POST" else _form_data(p))
    if request.method == "POST":
        authorize("preset.edit", p)
        if form.validate_on_submit():
            with refusal(form, on_form=True) as refused:
                store.update_preset(p, _posted(form), actor=current_user, expected_version=version_of(form))
            if not refused:
                flash(f"Шаблон «{p.name}» сохранён. Новые конкурсы этого вида будут создаваться по нему.",
                      "success")
                return redirect(url_for(".edit", preset_id=p.id))
            return render_template("presets/edit.html", p=p, form=form, can_edit=can_edit), refused.status
        return render_template("presets/edit.html", p=p, form=form, can_edit=can_edit), 422
    return render_template("presets/edit.html", p=p, form=form, can_edit=can_edit)
