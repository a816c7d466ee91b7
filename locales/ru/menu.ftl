## Меню команд (setMyCommands): описание каждой команды.

cmd-topics = Темы выпускных работ
cmd-proposal = Отправить предложение
cmd-help = Справка
cmd-invite = Создать приглашение
cmd-invites = Открытые приглашения
cmd-queue = Версии на проверке
cmd-students = Ваши студенты
cmd-stats = Статистика
cmd-users = Пользователи и доступ
cmd-deadline = Назначить контрольную точку
cmd-milestones = Контрольные точки
cmd-submit = Отправить версию
cmd-status = Состояние работы
cmd-history = Все версии
cmd-deadlines = Ближайшие сроки
cmd-cancel = Отменить текущий шаг
cmd-language = Язык
