webapp-open_button = Open dashboard
webapp-menu_button = Dashboard
