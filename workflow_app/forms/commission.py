from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from . import BoundedDateField, BoundedIntegerField, RuForm

REQUIRED = "Заполните это поле."


class MeetingForm(RuForm):
    number = StringField("Номер протокола", validators=[Length(max=32)])
    held_on = BoundedDateField("Дата заседания", validators=[InputRequired("Укажите дату заседания.")])
    place = StringField("Место проведения", validators=[Length(max=300)])
    chair = StringField("Председатель", validators=[DataRequired(REQUIRED)],
                        description="ФИО | должность")
    secretary = StringField("Секретарь", validators=[DataRequired(REQUIRED)], description="ФИО | должность")
    members_present = TextAreaField("Присутствовали члены комиссии",
                                    description="Одна строка — один член комиссии: «ФИО | должность».")
    members_total = BoundedIntegerField("Всего членов комиссии (с председателем и секретарём)", validators=[
        InputRequired(REQUIRED), NumberRange(2, 100, "От 2 до 100.")])
    agenda = TextAreaField("Повестка", validators=[DataRequired(REQUIRED)])
    heard = TextAreaField("Слушали")
    decided = TextAreaField("Решили", validators=[DataRequired(REQUIRED)])
    vote_yes = BoundedIntegerField("За", validators=[InputRequired(REQUIRED), NumberRange(0, 100)], default=0)
    vote_no = BoundedIntegerField("Против", validators=[InputRequired(REQUIRED), NumberRange(0, 100)], default=0)
    vote_abstained = BoundedIntegerField("Воздержались", validators=[InputRequired(REQUIRED), NumberRange(0, 100)],
                                  default=0)
