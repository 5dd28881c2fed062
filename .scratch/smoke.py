import re
from workflow_app import create_app
from workflow_app.extensions import db
from sqlalchemy import select
app = create_app()
app.config["WTF_CSRF_ENABLED"] = False
from workflow_app.models import User
from workflow_app.models.competition import ReviewAssignment, Entry, Campaign
def as_user(email):
    c = app.test_client()
    with app.app_context():
        u = db.session.execute(select(User).where(User.email == email)).scalar_one()
        ident = u.get_id()
    with c.session_transaction() as s:
        s["_user_id"] = ident; s["_fresh"] = True
    return c
staff = as_user("staff@iro.local")
with app.app_context():
    cid = db.session.execute(select(Campaign.id)).scalar()
    eid = db.session.execute(select(Entry.id)).scalar()
    exp = db.session.execute(select(User).where(User.email=="expert@iro.local")).scalar_one()
    aids = db.session.execute(select(ReviewAssignment.id).where(ReviewAssignment.expert_id==exp.id)).scalars().all()
for url in ["/", "/expert/pool", "/expert/assign", f"/expert/campaigns/{cid}/assign", f"/expert/campaigns/{cid}/assign?only_short=1", f"/expert/entries/{eid}/assignments", f"/expert/assignments/{aids[0]}/sheet", "/expert/pool?export=xlsx"]:
    r = staff.get(url); print("staff", r.status_code, url, len(r.data))
ex = as_user("expert@iro.local")
for url in ["/", "/expert/", f"/expert/assignments/{aids[0]}", f"/expert/assignments/{aids[0]}/sheet", f"/expert/assignments/{aids[1]}/sheet"]:
    r = ex.get(url); print("expert", r.status_code, url, len(r.data))
html = ex.get("/").get_data(as_text=True)
i = html.find('<main'); print(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[i:i+3000]))[:600])
html = staff.get(f"/expert/campaigns/{cid}/assign").get_data(as_text=True)
i = html.find('<main'); print(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[i:i+5000]))[:1200])
html = staff.get(f"/expert/entries/{eid}/assignments").get_data(as_text=True)
i = html.find('<main'); print(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[i:]))[:2000])
