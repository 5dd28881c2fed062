import time, random
from workflow_app import create_app
from workflow_app.config import TestConfig
from workflow_app.extensions import db
from sqlalchemy import insert, select
cfg = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
cfg["SQLALCHEMY_DATABASE_URI"] = "sqlite:////work/wt/review/.scratch/plan_bench.sqlite3"
import os
if os.path.exists("/work/wt/review/.scratch/plan_bench.sqlite3"): os.remove("/work/wt/review/.scratch/plan_bench.sqlite3")
app = create_app(cfg, instance_path="/work/wt/review/.scratch/plan_bench_inst")
with app.app_context():
    db.create_all()
    from workflow_app.services.platform.reference import load_municipalities
    load_municipalities()
    from workflow_app.models import Municipality, Organization, OrgType, User, RoleGrant, Role
    from workflow_app.models.competition import *
    import sys; sys.path.insert(0, ".")
    from tests.competition_factories import make_campaign, stage
    c = make_campaign(experts_per_entry=3, expert_load_cap=200)
    munis = db.session.execute(select(Municipality.id)).scalars().all()
    rnd = random.Random(1)
    orgs = [dict(org_type=OrgType.OO, full_name=f"org {i}", short_name=f"o{i}", municipality_id=rnd.choice(munis)) for i in range(2000)]
    db.session.execute(insert(Organization), orgs)
    org_ids = db.session.execute(select(Organization.id)).scalars().all()
    tracks = {t.code: t.id for t in c.tracks}
    codes = list(tracks)
    db.session.execute(insert(Entry), [dict(campaign_id=c.id, track_id=tracks[rnd.choice(codes)], organization_id=rnd.choice(org_ids), code=f"E{i}", status=EntryStatus.admitted, title="", lead_name="", team=[], dossier={}, staff_remark="", current_version=0, divergent=False, decision_reason="") for i in range(10000)])
    users = [dict(email=f"x{i}@x", full_name=f"X {i}", organization_id=rnd.choice(org_ids), position="", phone="", session_epoch=0) for i in range(300)]
    db.session.execute(insert(User), users)
    uids = db.session.execute(select(User.id)).scalars().all()
    db.session.execute(insert(RoleGrant), [dict(user_id=u, role=Role.expert) for u in uids])
    db.session.execute(insert(ExpertProfile), [dict(user_id=u, competences=rnd.sample(codes, 2), active=True) for u in uids])
    db.session.execute(insert(ExpertConflict), [dict(expert_id=rnd.choice(uids), organization_id=rnd.choice(org_ids), reason="") for _ in range(200)])
    db.session.flush()
    from workflow_app.services.competition import assignment as svc
    t = time.perf_counter(); tc = time.process_time()
    plan = svc.build_plan(c, stage(c, StageKind.expert_review))
    print("plan seconds", round(time.perf_counter() - t, 2), "cpu", round(time.process_time() - tc, 2), "picks", len(plan.picks), "short", len(plan.shortfalls))
