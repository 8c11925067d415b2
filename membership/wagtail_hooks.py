from wagtail import hooks

from membership.admin_views import MembershipGroup


@hooks.register("register_admin_viewset")
def register_membership_admin():
    return MembershipGroup()
