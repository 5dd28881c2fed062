from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

REQUIRED = "Заполните это поле."


class LoginForm(FlaskForm):
    email = EmailField("Электронная почта", validators=[
        DataRequired(REQUIRED), Email("Введите корректный адрес электронной почты.")])
    password = PasswordField("Пароль", validators=[DataRequired(REQUIRED)])
    remember = BooleanField("Запомнить меня на этом компьютере")
    submit = SubmitField("Войти")


class ResetRequestForm(FlaskForm):
    email = EmailField("Электронная почта", validators=[
        DataRequired(REQUIRED), Email("Введите корректный адрес электронной почты.")])
    submit = SubmitField("Отправить ссылку")


class NewPasswordForm(FlaskForm):
    password = PasswordField("Новый пароль", validators=[
        DataRequired(REQUIRED), Length(min=8, message="Не менее 8 символов.")])
    repeat = PasswordField("Повтор пароля", validators=[
        DataRequired(REQUIRED), EqualTo("password", message="Пароли не совпадают.")])
    submit = SubmitField("Сохранить пароль")


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Текущий пароль", validators=[DataRequired(REQUIRED)])
