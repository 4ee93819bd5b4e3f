"""Editor and curator pages of development initiatives under /manage/ (namespace `initiatives`)."""

app_name = "initiatives"

urlpatterns = []
