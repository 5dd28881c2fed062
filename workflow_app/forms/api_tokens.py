from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from . import RuForm


class NewTokenForm(RuForm):
    name = StringField("Название токена", validators=[
        DataRequired("Укажите название токена (например, «Выгрузка в 1С»)."),
        Length(max=100, message="Название токена — не длиннее 100 символов.")])
    submit = SubmitField("Выпустить токен")


class RevokeTokenForm(RuForm):
    submit = SubmitField("Отозвать")
