"""Admin forms for competition presets; the lists are text (one line per item), checked by the service."""
from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..models.competition import ApplicantKind, CampaignKind
from ..services.competition.presets.validate import OUTPUT_DOCUMENTS
from . import RuForm
from .campaigns import REQUIRED, MultiCheckboxField, VersionedForm, choices


class PresetForm(VersionedForm):
    name = StringField("Название шаблона", validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField("Вид конкурса", choices=choices((k.name, k.value) for k in CampaignKind))
    is_default = BooleanField("Шаблон по умолчанию для этого вида конкурса")
    applicant_kind = SelectField("Кто участвует", choices=choices((k.name, k.value) for k in ApplicantKind))
    code_prefix = StringField("Префикс кода заявки", validators=[DataRequired(REQUIRED), Length(max=16)])
    description = TextAreaField("Описание", validators=[Optional()], render_kw={"rows": 2})
    output_documents = MultiCheckboxField("Итоговые документы", choices=choices(OUTPUT_DOCUMENTS.items()))
    expert_status_types = StringField("Экспертов выдвигают держатели статусов (коды через запятую, напр. KRC, LSV)",
                                      validators=[Optional(), Length(max=200)])
    sections = TextAreaField("Разделы формы заявки", render_kw={"rows": 12})
    tracks = TextAreaField("Направления", render_kw={"rows": 5})
    stages = TextAreaField("Этапы", render_kw={"rows": 6})
    criteria = TextAreaField("Критерии", render_kw={"rows": 10})
    submit = SubmitField("Сохранить шаблон")


class PresetCopyForm(RuForm):
    name = StringField("Название копии", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Копировать")
