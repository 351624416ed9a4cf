"""The årshjul (being built)."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..access import family_view_or_404

bp = Blueprint("yearwheel", __name__, url_prefix="/families/<family_id>/yearwheel")


@bp.get("")
@login_required
def wheel(family_id: str):
    """Placeholder until the wheel is drawn."""
    view = family_view_or_404(family_id, current_user, page="yearwheel")
    return render_template("families/section.html", view=view, family=view.family, section="yearwheel")
