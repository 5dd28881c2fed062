from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from . import RuForm

REQUIRED = "Заполните это поле."
# Sign-in and reset only look an address up: a strict validator would refuse an existing account
# whose address it dislikes, and gains nothing (an unknown address just finds no one).
LOOKS_LIKE_EMAIL = Regexp(r"^[^@\s]+@[^@\s]+$", message="Введите корректный адрес электронной почты.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class LoginForm(RuForm):
    email = EmailField("Электронная почта", filters=[_strip], validators=[
        DataRequired(REQUIRED), Length(max=254), LOOKS_LIKE_EMAIL])
    password = PasswordField("Пароль", validators=[DataRequired(REQUIRED)])
    remember = BooleanField("Запомнить меня на этом компьютере")
    submit = SubmitField("Войти")


class ResetRequestForm(RuForm):
    email = EmailField("Электронная почта", filters=[_strip], validators=[
        DataRequired(REQUIRED), Length(max=254), LOOKS_LIKE_EMAIL])
    submit = SubmitField("Отправить ссылку")


class NewPasswordForm(RuForm):
    password = PasswordField("Новый пароль", validators=[
        DataRequired(REQUIRED), Length(min=8, message="Не менее 8 символов.")])
    repeat = PasswordField("Повтор пароля", validators=[
        DataRequired(REQUIRED), EqualTo("password", message="Пароли не совпадают.")])
    submit = SubmitField("Сохранить пароль")


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Текущий пароль", validators=[DataRequired(REQUIRED)])
