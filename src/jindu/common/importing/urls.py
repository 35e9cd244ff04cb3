app_name = "importing"
urlpatterns = []
