## Руководство для каждой роли (api/guide.py показывает docs/guide/; ссылка — в /help)

guide-button = Руководство
guide-nav = Руководства
guide-product = Thesis Supervisor
guide-page-student = Студент
guide-page-supervisor = Научный руководитель
guide-page-admin = Администратор
