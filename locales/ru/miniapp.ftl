## Мини-приложение (webapp/app.js и стол рецензирования, webapp/desk.js); страница получает
## эти тексты через GET /api/texts на языке пользователя. Даты форматирует сама страница.

app-name = Научный руководитель
app-guide = Руководство
app-back = ‹ Назад
app-views = Разделы
app-loading = Загрузка…
app-reopen = Откройте панель заново кнопкой меню бота в Telegram.
app-tab_thesis = Моя работа
app-tab_students = Студенты
app-tab_queue = Очередь
app-tab_overview = Обзор
app-role_student = студент
app-role_supervisor = научный руководитель
app-role_admin = администратор
app-status_draft = Черновик
app-status_submitted = Ждёт проверки
app-status_changes_requested = Нужны правки
app-status_approved = Одобрена
app-status_rejected = Отклонена
app-status_final = Окончательная
app-no_thesis = Работы нет
app-size_bytes = { $size } Б
app-size_kb = { $size } КБ
app-size_mb = { $size } МБ
app-supervisor = научный руководитель { $name }
app-versions = { $count ->
    [one] { $count } версия
    [few] { $count } версии
   *[other] { $count } версий
}
app-nothing_yet = Пока ничего нет.
app-no_thesis_yet = Работа ещё не загружена.
app-someone = кто-то
app-version_submitted = Загружена версия { $version }
app-version_pending = ждёт проверки
app-version_superseded = заменена более новой версией
app-open_desk = 📖 Открыть на столе
app-changes = Что изменилось с версии { $base }:
app-changes_no_text = нет текстового слоя, сравнение недоступно
app-changes_pages = страниц: { $delta }
app-changes_words = слов: +{ $added } (−{ $removed })
app-changes_share = изменено { $share } % текста
app-changes_added = { $count ->
    [one] новый раздел { $sections }
   *[other] новые разделы { $sections }
}
app-changes_changed = изменены { $sections }
app-changes_front = начало
app-changes_removed = удалены { $sections }
app-changes_detail = ⬇ Подробное сравнение
app-passages_changed = { $count ->
    [one] { $count } прокомментированный фрагмент изменён
    [few] { $count } прокомментированных фрагмента изменены
   *[other] { $count } прокомментированных фрагментов изменены
}
app-passages_unchanged = { $count ->
    [one] { $count } прокомментированный фрагмент не изменился
    [few] { $count } прокомментированных фрагмента не изменились
   *[other] { $count } прокомментированных фрагментов не изменились
}
app-passages_removed = { $count ->
    [one] { $count } прокомментированный фрагмент удалён
    [few] { $count } прокомментированных фрагмента удалены
   *[other] { $count } прокомментированных фрагментов удалены
}
app-thread = { $count ->
    [one] { $count } комментарий
    [few] { $count } комментария
   *[other] { $count } комментариев
}
app-attached = 📎 { $name }
app-attached_voice = 🎤 Голосовое сообщение, { $duration }
app-attached_photo = 🖼 Фото, { $size } КБ
app-decision_approved = Одобрено — версия { $version }
app-decision_changes_requested = Нужны правки — версия { $version }
app-decision_rejected = Отклонено — версия { $version }
app-grade = Оценка: { $grade }
app-checklist = { $count ->
    [one] Запрошенная правка
   *[other] Запрошенные правки ({ $count })
}
app-item_open = не выполнена
app-item_addressed = не закрыта, учтена в версии { $version }
app-item_closed = выполнена
app-milestone_met = Контрольная точка «{ $title }» пройдена
app-milestone_overdue = Контрольная точка «{ $title }» просрочена
app-milestone_due = Контрольная точка «{ $title }»
app-milestone_when = Срок: { $due }
app-milestone_extended = (продлён; общий срок { $cohort })
app-meeting = Встреча «{ $title }»
app-move_finalize = Работа объявлена окончательной ({ $by })
app-move_reopen = Работа снова открыта ({ $by })
app-examiner = Оценка рецензента ({ $by })
app-col_student = Студент
app-col_status = Статус
app-col_version = Версия
app-col_days_waiting = Дней ожидания
app-col_last_upload = Последняя загрузка
app-col_urgency = Срочность
app-urgency_waiting = ⏳ ждёт
app-urgency_overdue = ⚠️ просрочено
app-urgency_silent = 💤 молчит
app-urgency_none = 📭 нет загрузок
app-silent_days = { $count ->
    [one] { $count } день
    [few] { $count } дня
   *[other] { $count } дней
}
app-filter_waiting = Ждут ({ $count })
app-filter_overdue = Просрочено ({ $count })
app-filter_silent = Молчат ({ $count })
app-filter_all = Все ({ $count })
app-deactivated = (доступ отключён)
app-no_students = Студентов нет.
app-filter = Фильтр по статусу
app-all_statuses = Все статусы
app-students_total = { $count ->
    [one] { $count } студент
    [few] { $count } студента
   *[other] { $count } студентов
}
app-previous = ‹ Назад
app-next = Дальше ›
app-page = Страница { $page } из { $pages }
app-submissions_over_time = Загрузки по времени
app-no_versions = Версий пока нет.
app-chart_version = версия
app-queue_title = Очередь на проверку
app-queue_total = { $count ->
    [one] { $count } версия ждёт
    [few] { $count } версии ждут
   *[other] { $count } версий ждут
}
app-queue_empty = Вас ничего не ждёт.
app-queue_item = «{ $title }» — версия { $version }
app-waiting_days = { $count ->
    [one] ждёт { $count } день
    [few] ждёт { $count } дня
   *[other] ждёт { $count } дней
}
app-waiting_hours = { $count ->
    [one] ждёт { $count } час
    [few] ждёт { $count } часа
   *[other] ждёт { $count } часов
}
app-timeline = Ход работы
app-download = ⬇ Скачать
app-fig_students = { $count ->
    [one] студент
    [few] студента
   *[other] студентов
}
app-fig_supervisors = { $count ->
    [one] научный руководитель
    [few] научных руководителя
   *[other] научных руководителей
}
app-fig_week = { $count ->
    [one] версия за неделю
    [few] версии за неделю
   *[other] версий за неделю
}
app-fig_median = медиана проверки
app-hours = { $hours } ч
app-per_week = Загрузки по неделям
app-turnaround = Срок проверки (90 дней)
app-waiting_per_supervisor = Ждущие версии по руководителям
app-nothing_waiting = Ничего не ждёт.
app-chart_versions = версии
app-chart_decisions = решения
app-chart_waiting = ждут
app-desk_failed = Не удалось загрузить просмотр документа; попробуйте ещё раз.
app-desk_title = Версия { $version }
app-desk_toolbar = Инструменты документа
app-desk_pages = Страницы
app-desk_thumbnails = Миниатюры страниц
app-desk_go_to_page = Перейти к странице { $page }
app-desk_zoom_in = Увеличить
app-desk_zoom_out = Уменьшить
app-desk_page = Страница { $page } из { $pages }
app-desk_page_image = Страница { $page }
app-desk_find = Найти
app-desk_find_label = Поиск по тексту
app-desk_find_placeholder = Поиск по тексту
app-desk_finding = Идёт поиск…
app-desk_found = { $count ->
    [0] Ничего не найдено.
    [one] Найдено { $count } совпадение.
    [few] Найдено { $count } совпадения.
   *[other] Найдено { $count } совпадений.
}
app-desk_found_on = { $count ->
    [one] Найдено на странице { $pages }.
   *[other] Найдено на страницах: { $pages }.
}
app-desk_region = ▭ Выделить область
app-desk_region_hint = Проведите по странице, чтобы выделить область, затем напишите комментарий.
app-desk_comments = Комментарии к фрагментам
app-desk_earlier = Комментарии к прошлым версиям
app-desk_how_to_comment = Выделите предложение на странице (или область), чтобы прокомментировать его.
app-desk_no_comments = Комментариев к фрагментам нет.
app-desk_comment_on_text = Комментарий к странице { $page }:
app-desk_comment_on_region = Комментарий к области на странице { $page }
app-desk_comment_label = Ваш комментарий
app-desk_comment_save = Сохранить комментарий
app-desk_cancel = Отмена
app-desk_comment_empty = Сначала напишите комментарий.
app-desk_comment_saved = Комментарий сохранён. Студент получит его вместе с запросом правок.
app-desk_where = с. { $page }
app-desk_version_short = в. { $version }
app-desk_draft = ещё не отправлен
app-desk_open = не выполнен
app-desk_closed = выполнен
app-desk_delete = Удалить
app-desk_delete_label = Удалить комментарий к странице { $page }
app-desk_passage_changed = { $page ->
    [0] фрагмент изменён
   *[other] фрагмент изменён, с. { $page }
}
app-desk_passage_unchanged = { $page ->
    [0] фрагмент не изменился
   *[other] фрагмент не изменился, с. { $page }
}
app-desk_passage_removed = фрагмент удалён
app-desk_decide = Решение
app-desk_drafts_go_with = { $count ->
    [0] Комментариев к фрагментам пока нет.
    [one] { $count } комментарий к фрагменту уйдёт вместе с запросом правок.
    [few] { $count } комментария к фрагментам уйдут вместе с запросом правок.
   *[other] { $count } комментариев к фрагментам уйдут вместе с запросом правок.
}
app-desk_decision_comment = Комментарий для студента (обязателен при отклонении)
app-desk_approve = Одобрить
app-desk_request_changes = Запросить правки
app-desk_reject = Отклонить
app-desk_decided_approved = Одобрено. Студент получит уведомление.
app-desk_decided_changes_requested = { $count ->
    [0] Правки запрошены. Студент получит уведомление.
    [one] Правки запрошены, { $count } пункт. Студент получит уведомление.
    [few] Правки запрошены, { $count } пункта. Студент получит уведомление.
   *[other] Правки запрошены, { $count } пунктов. Студент получит уведомление.
}
app-desk_decided_rejected = Отклонено. Студент получит уведомление.
app-desk_decision_waiting = Ваше одобрение учтено; остальные руководители ещё не решили.
app-desk_text_not_ready = Текст этой версии ещё не прочитан; попробуйте через несколько секунд.
app-tab_topics = Темы
app-topics_search = Поиск тем
app-topics_language = Язык
app-topics_any_language = Любой язык
app-topics_tag = Тег
app-topics_any_tag = Любой тег
app-topics_total = { $count ->
    [one] { $count } открытая тема
    [few] { $count } открытые темы
   *[other] { $count } открытых тем
}
app-topics_empty = Подходящих открытых тем нет.
app-topics_requirements = Требования: { $text }
app-topics_places = { $count ->
    [one] { $count } место
    [few] { $count } места
   *[other] { $count } мест
}
app-topics_proposal = сначала предложение
app-topics_apply = Чтобы подать заявку, отправьте боту в чате: /start { $start }
app-roster_title = Импорт списка кафедры
app-roster_choose = Список кафедры файлом CSV или XLSX (столбцы — в шаблоне из /roster в чате):
app-roster_create = Будет создано: научных руководителей — { $supervisors }, студентов — { $students }.
app-roster_updated = Будет обновлено ожидающих: { $count }.
app-roster_unchanged = Уже импортировано без изменений строк: { $count }.
app-roster_problem = Строка { $row }: { $reason }
app-roster_reason_unknown_supervisor = неизвестный научный руководитель
app-roster_reason_duplicate = повтор
app-roster_reason_bad_email = неверный e-mail
app-roster_reason_title_too_long = слишком длинная тема
app-roster_reason_no_name = нет имени
app-roster_reason_bad_role = неизвестная роль
app-roster_import = Импортировать
app-roster_imported = ✅ Список импортирован. Отправьте всем личные ссылки из /roster в чате.
app-roster_unreadable = Этот файл не удалось прочитать как список: нужен файл CSV или XLSX, в первой строке которого названы хотя бы столбцы name, role и email.
