"""Forms of the appeal screens: filing, the staff decision, the campaign's terms, the calendar."""
from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from . import BoundedDateField, BoundedIntegerField, RuForm


class AppealForm(RuForm):
    grounds = TextAreaField("Основания апелляции", validators=[
        DataRequired("Изложите основания апелляции: с чем в результатах вы не согласны и почему."),
        Length(max=20000)], description="С какими оценками или решением вы не согласны и почему.")
    files = MultipleFileField("Приложения (PDF, DOCX, PNG, JPEG, GIF; до 5 файлов по 10 МБ)")


class DecisionForm(RuForm):
    version = HiddenField()
    outcome = RadioField("Решение", choices=[("upheld", "Удовлетворить"), ("rejected", "Отклонить")],
                         validators=[InputRequired("Выберите решение по апелляции.")])
    reason = TextAreaField("Обоснование решения", validators=[
        DataRequired("Укажите обоснование решения по апелляции."), Length(max=20000)])
    decision = SelectField("Решение по заявке", choices=[
        ("", "Не менять"), ("winner", "Победитель"), ("not_selected", "Не прошла отбор")], default="")
    confirm = BooleanField("Решение окончательное: после сохранения его нельзя изменить",
                           validators=[DataRequired("Подтвердите, что решение окончательное.")])


class VersionForm(RuForm):
    version = HiddenField()


class WithdrawForm(RuForm):
    version = HiddenField()
    reason = StringField("Причина отзыва (необязательно)", validators=[Length(max=500)])


class TermsForm(RuForm):
    window_days = BoundedIntegerField("Срок подачи, рабочих дней после публикации результатов", validators=[
        InputRequired("Укажите срок подачи."), NumberRange(1, 30, "От 1 до 30 рабочих дней.")])
    decision_days = BoundedIntegerField("Срок рассмотрения, рабочих дней после подачи", validators=[
        InputRequired("Укажите срок рассмотрения."), NumberRange(1, 60, "От 1 до 60 рабочих дней.")])


class CalendarDayForm(RuForm):
    day = BoundedDateField("Дата", validators=[InputRequired("Укажите дату.")])
    working = SelectField("Вид дня", choices=[("0", "Нерабочий (праздник, перенос выходного)"),
                                              ("1", "Рабочий (рабочая суббота или воскресенье)")], default="0")
    title = StringField("Примечание", validators=[Length(max=200)])
