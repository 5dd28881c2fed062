"""Staff forms for campaign configuration. Field-level checks here; cross-field rules in services.campaigns."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import OrgType
from ..models.competition import CampaignKind, CampaignStatus, FinalScoreMode, StageKind
from . import BoundedDateField, BoundedIntegerField, RuForm, coerce_db_int

REQUIRED = "Заполните это поле."
NUMBER = "Введите число."
INTEGER = "Введите целое число."


class CommaDecimalField(DecimalField):
    """Accepts «1,5» as well as «1.5»: a decimal comma is what people type here."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [v.replace(",", ".").replace(" ", "").strip() for v in valuelist]
        super().process_formdata(valuelist)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False, html_tag="ul")
    option_widget = CheckboxInput()


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(str(v), label) for v, label in pairs]


def _kind_choices():
    return [(k.name, k.value) for k in CampaignKind]


class VersionedForm(RuForm):
    # The campaign's version when the form was opened: a stale form is refused (services.campaigns).
    version = HiddenField()


class CampaignCreateForm(RuForm):
    kind = SelectField("Вид конкурса (шаблон настроек)", choices=choices(_kind_choices()),
                       validators=[DataRequired(REQUIRED)])
    name = StringField("Название", validators=[DataRequired(REQUIRED), Length(max=300)])
    year = BoundedIntegerField("Год проведения", validators=[
        InputRequired(REQUIRED), NumberRange(2000, 2100, "Год проведения — от 2000 до 2100.")],
        render_kw={"inputmode": "numeric"})
    description = TextAreaField("Описание", validators=[Optional()], render_kw={"rows": 3})
    # Choices (the presets) are set by the view; empty: the kind's default preset.
    preset_id = SelectField("Шаблон", choices=[], validate_choice=False, validators=[Optional()])
    dated = BooleanField("Проставить сроки этапов по шаблону (в году проведения)", default=True)
    submit = SubmitField("Создать черновик")


class CampaignSettingsForm(VersionedForm):
    name = StringField("Название", validators=[DataRequired(REQUIRED), Length(max=300)])
    year = BoundedIntegerField("Год проведения", validators=[
        InputRequired(REQUIRED), NumberRange(2000, 2100, "Год проведения — от 2000 до 2100.")])
    kind = SelectField("Вид конкурса", choices=choices(_kind_choices()))
    description = TextAreaField("Описание (видно на публичной странице)", render_kw={"rows": 4})
    experts_per_entry = BoundedIntegerField("Экспертов на одну заявку", validators=[
        InputRequired(REQUIRED), NumberRange(1, 10, "Экспертов на заявку — от 1 до 10.")])
    expert_load_cap = BoundedIntegerField("Предельная нагрузка: заявок на одного эксперта", validators=[
        InputRequired(REQUIRED), NumberRange(1, 1000, "Нагрузка — от 1 до 1000 заявок.")])
    divergence_pct = CommaDecimalField("Порог расхождения оценок, % от максимума", places=2, validators=[
        InputRequired(NUMBER), NumberRange(0, 100, "Процент — от 0 до 100.")])
    shortlist_pct = CommaDecimalField("Порог прохода на очный этап, % от максимума", places=2, validators=[
        InputRequired(NUMBER), NumberRange(0, 100, "Процент — от 0 до 100.")])
    entries_per_org = BoundedIntegerField("Заявок от одной организации, не более", validators=[
        InputRequired(REQUIRED), NumberRange(1, 100, "От 1 до 100.")])
    blind_review = BooleanField("Слепая экспертиза (эксперты не видят заявителя)")
    comment_required = BooleanField("Комментарий эксперта к каждому критерию обязателен")
    normalize_scores = BooleanField("Нормировать оценки каждого эксперта (z-оценка)")
    final_score_mode = SelectField("Итоговая оценка", choices=choices((m.name, m.value) for m in FinalScoreMode))
    code_prefix = StringField("Префикс кода заявки", validators=[DataRequired(REQUIRED), Length(max=16)])
    reason = TextAreaField("Причина изменения (обязательна, если оценивание уже началось)",
                           render_kw={"rows": 2})
    submit = SubmitField("Сохранить настройки")


class RegulationForm(VersionedForm):
    file = FileField("Положение о конкурсе (PDF или DOCX)")
    submit = SubmitField("Загрузить")


class TrackForm(VersionedForm):
    code = StringField("Код", validators=[DataRequired(REQUIRED), Length(max=32)])
    name = StringField("Название направления (номинации)", validators=[DataRequired(REQUIRED), Length(max=200)])
    org_types = MultiCheckboxField("Кто может участвовать (типы организаций)",
                                   choices=choices((t.name, t.value) for t in OrgType))
    winners_quota = BoundedIntegerField("Квота победителей (пусто — без ограничения)", validators=[
        Optional(), NumberRange(0, 1000, "Квота — от 0 до 1000.")])
    submit = SubmitField("Сохранить")


class StageForm(VersionedForm):
    starts_on = BoundedDateField("Дата начала", validators=[Optional()])
    deadline_date = BoundedDateField("Срок (дата, московское время)", validators=[Optional()])
    deadline_time = TimeField("Время срока (пусто — до конца дня)", validators=[Optional()])
    in_person = BooleanField("Очный этап")
    scored = BooleanField("Этап оценивается экспертами")
    score_weight = CommaDecimalField("Вес этапа в итоговой оценке", places=3, validators=[
        InputRequired(NUMBER), NumberRange(min=0.001, max=100, message="Вес должен быть больше 0.")])
    reason = TextAreaField("Причина изменения (если оценивание уже началось)", render_kw={"rows": 2})
    submit = SubmitField("Сохранить этап")


class StageAddForm(VersionedForm):
    kind = SelectField("Этап", choices=choices((k.name, k.value) for k in StageKind))
    submit = SubmitField("Добавить этап")


class CriterionForm(VersionedForm):
    stage_id = SelectField("Этап", coerce=coerce_db_int)
    track_id = SelectField("Направление", coerce=coerce_db_int)
    name = StringField("Критерий", validators=[DataRequired(REQUIRED), Length(max=300)])
    description = TextAreaField("Описание (что оценивается, шкала)", render_kw={"rows": 3})
    max_points = CommaDecimalField("Максимальный балл", places=2, validators=[
        InputRequired(NUMBER), NumberRange(min=0.01, max=1000, message="Максимальный балл должен быть больше 0.")])
    weight = CommaDecimalField("Вес", places=3, validators=[
        InputRequired(NUMBER), NumberRange(min=0.001, max=100, message="Вес должен быть больше 0.")])
    reason = TextAreaField("Причина изменения (обязательна после начала оценивания)", render_kw={"rows": 2})
    submit = SubmitField("Сохранить критерий")


class ReasonForm(VersionedForm):
    """Delete / move / lifecycle buttons: the version, and a reason where one is needed."""
    reason = TextAreaField("Причина", render_kw={"rows": 2})


class CopyForm(RuForm):
    year = BoundedIntegerField("Год нового конкурса", validators=[
        InputRequired(REQUIRED), NumberRange(2000, 2100, "Год проведения — от 2000 до 2100.")])
    name = StringField("Название нового конкурса (пусто — как у исходного, с новым годом)",
                       validators=[Optional(), Length(max=300)])
    submit = SubmitField("Создать копию")


class DossierSchemaForm(VersionedForm):
    # One section per line: «ключ | название | вид (text/table/list) | колонки через ; | обязательный (да/нет)»
    schema = TextAreaField("Разделы формы заявки", render_kw={"rows": 24, "class": "font-monospace"})
    submit = SubmitField("Сохранить форму заявки")


def status_choices():
    return [("", "Все состояния")] + [(s.name, s.value) for s in CampaignStatus]


def kind_filter_choices():
    return [("", "Все виды")] + _kind_choices()
