from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.permissions import role_required

from .permissions import LANDING_ROLES


@require_GET
@role_required(*LANDING_ROLES)
def index(request):
    return render(request, "reporting/index.html")
