import json
from workflow_app import create_app
from workflow_app.config import TestConfig
from workflow_app.extensions import db
from sqlalchemy import select, cast, String, text
cfg = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
cfg["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
app = create_app(cfg, instance_path="/work/wt/review/.scratch/inst")
with app.app_context():
    db.create_all()
    from workflow_app.models.competition import ExpertProfile
    from workflow_app.listing import like_pattern
    from workflow_app.models import User
    u = User(email="a@b.c", full_name="x"); db.session.add(u); db.session.flush()
    db.session.add(ExpertProfile(user_id=u.id, competences=["ДОО"])); db.session.flush()
    print(db.session.execute(text("select competences from expert_profile")).all())
    print(db.session.execute(select(cast(ExpertProfile.competences, String))).all())
    st = select(ExpertProfile.id).where(cast(ExpertProfile.competences, String).like(like_pattern(json.dumps("ДОО")), escape="\\"))
    print(st.compile(compile_kwargs={"literal_binds": True}))
    print(db.session.execute(st).all())
