## Веб-панель (Telegram Web App).

webapp-open_button = Открыть панель
webapp-menu_button = Панель
