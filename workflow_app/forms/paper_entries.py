"""The form staff fill to register an entry received on paper."""
from wtforms import SelectField, SubmitField
from wtforms.validators import DataRequired

from . import RuForm, coerce_db_int


class PaperEntryForm(RuForm):
    # Choices are the organisations found by the page's search and the campaign's tracks; the service checks
    # that the organisation may enter the track.
    org_id = SelectField("Организация", coerce=coerce_db_int, validate_choice=False,
                         validators=[DataRequired("Выберите организацию.")])
    track_id = SelectField("Направление", coerce=coerce_db_int, validate_choice=False,
                           validators=[DataRequired("Выберите направление.")])
    submit = SubmitField("Зарегистрировать заявку")
