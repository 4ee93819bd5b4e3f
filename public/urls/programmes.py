"""Public URLs of cluster development programmes (namespace `programmes`)."""

from django.urls import path

from public.views import programmes as views

app_name = "programmes"

urlpatterns = [
    path("", views.InitiativeListView.as_view(), name="initiative_list"),
    path("<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative_detail"),
]
