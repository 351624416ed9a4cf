"""The network map: people in rings and sectors, the map's history, family relations, the family's cases at the
authorities; meeting participants picked from the map, and the family's suggestions whom to invite.

Revision ID: 702cb139c61c
Revises: a869d595e28e
Create Date: 2026-11-30 06:48:55.484941
"""

import sqlalchemy as sa
from alembic import op

revision = "702cb139c61c"
down_revision = "a869d595e28e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_people",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind", sa.Enum("private", "professional", name="personkind", native_enum=False, length=32), nullable=False
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("ring", sa.Enum("close", "middle", "far", name="ring", native_enum=False, length=32), nullable=False),
        sa.Column(
            "sector",
            sa.Enum(
                "family",
                "friends",
                "school",
                "health",
                "authorities",
                "leisure",
                name="sector",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("relation", sa.String(length=100), nullable=False),
        sa.Column("organisation", sa.String(length=100), nullable=False),
        sa.Column("helps_with", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("email", sa.String(length=120), nullable=False),
        sa.Column("decides", sa.Boolean(), nullable=False),
        sa.Column("partner_may_see", sa.Boolean(), nullable=False),
        sa.Column("added_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], name=op.f("fk_network_people_added_by_id_users")),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_network_people_family_id_families")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_people")),
    )
    with op.batch_alter_table("network_people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_people_family_id"), ["family_id"], unique=False)

    op.create_table(
        "network_revisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("change", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_network_revisions_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["network_people.id"], name=op.f("fk_network_revisions_person_id_network_people")
        ),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_network_revisions_family_id_families")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_revisions")),
    )
    with op.batch_alter_table("network_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_revisions_family_id"), ["family_id"], unique=False)

    op.create_table(
        "agency_cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("authority", sa.String(length=100), nullable=False),
        sa.Column("about", sa.String(length=300), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("next_step", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["network_people.id"], name=op.f("fk_agency_cases_contact_id_network_people")
        ),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_agency_cases_family_id_families")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_cases")),
    )
    with op.batch_alter_table("agency_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_cases_family_id"), ["family_id"], unique=False)

    op.create_table(
        "kin_relations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("parent", "sibling", "partner", name="relationkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("a_person_id", sa.Uuid(), nullable=True),
        sa.Column("a_network_id", sa.Uuid(), nullable=True),
        sa.Column("b_person_id", sa.Uuid(), nullable=True),
        sa.Column("b_network_id", sa.Uuid(), nullable=True),
        sa.Column("a_key", sa.String(length=40), nullable=False),
        sa.Column("b_key", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(a_person_id IS NULL) <> (a_network_id IS NULL)", name=op.f("ck_kin_relations_one_a")),
        sa.CheckConstraint("(b_person_id IS NULL) <> (b_network_id IS NULL)", name=op.f("ck_kin_relations_one_b")),
        sa.ForeignKeyConstraint(
            ["a_network_id"], ["network_people.id"], name=op.f("fk_kin_relations_a_network_id_network_people")
        ),
        sa.ForeignKeyConstraint(["a_person_id"], ["persons.id"], name=op.f("fk_kin_relations_a_person_id_persons")),
        sa.ForeignKeyConstraint(
            ["b_network_id"], ["network_people.id"], name=op.f("fk_kin_relations_b_network_id_network_people")
        ),
        sa.ForeignKeyConstraint(["b_person_id"], ["persons.id"], name=op.f("fk_kin_relations_b_person_id_persons")),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_kin_relations_family_id_families")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kin_relations")),
        sa.UniqueConstraint("family_id", "kind", "a_key", "b_key", name="uq_kin_relations_pair"),
    )
    with op.batch_alter_table("kin_relations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kin_relations_family_id"), ["family_id"], unique=False)

    op.create_table(
        "meeting_suggestions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("network_person_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_meeting_suggestions_family_id_families")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_suggestions_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["network_person_id"],
            ["network_people.id"],
            name=op.f("fk_meeting_suggestions_network_person_id_network_people"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_meeting_suggestions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_suggestions")),
        sa.UniqueConstraint(
            "meeting_id", "user_id", "network_person_id", name=op.f("uq_meeting_suggestions_meeting_id")
        ),
    )
    with op.batch_alter_table("meeting_suggestions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_suggestions_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_suggestions_meeting_id"), ["meeting_id"], unique=False)

    with op.batch_alter_table("meeting_participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("network_person_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_participants_network_person_id_network_people"),
            "network_people",
            ["network_person_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_participants", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_meeting_participants_network_person_id_network_people"), type_="foreignkey"
        )
        batch_op.drop_column("network_person_id")

    with op.batch_alter_table("meeting_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_suggestions_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_suggestions_family_id"))

    op.drop_table("meeting_suggestions")
    with op.batch_alter_table("kin_relations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kin_relations_family_id"))

    op.drop_table("kin_relations")
    with op.batch_alter_table("agency_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_cases_family_id"))

    op.drop_table("agency_cases")
    with op.batch_alter_table("network_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_revisions_family_id"))

    op.drop_table("network_revisions")
    with op.batch_alter_table("network_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_people_family_id"))

    op.drop_table("network_people")
