from django.conf import settings

from .navigation import nav_items_for
from .roles import user_roles
from .selectors import unread_notification_count


def service(request):
    user = getattr(request, "user", None)
    context = {"service_name": settings.SERVICE_NAME, "organisation_name": settings.ORGANISATION_NAME}
    if user is not None and user.is_authenticated:
        context.update(
            nav_items=nav_items_for(request),
            unread_notifications=unread_notification_count(user),
            user_roles=user_roles(user),
        )
    return context
