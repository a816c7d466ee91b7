## The roster: /roster, the import's preview, personal links, the first-run checklist.

roster-preview-create = Будет создано: научных руководителей — { $supervisors }, студентов — { $students }.
roster-preview-updated = Будет обновлено ожидающих: { $count }.
roster-preview-unchanged = Уже импортировано без изменений строк: { $count }.
roster-preview-problems = Строк с ошибками (они не будут импортированы): { $count }.
roster-preview-problem = Строка { $row }: { $reason }
roster-preview-nothing = Импортировать нечего: список уже загружен в таком виде.
roster-reason-unknown_supervisor = неизвестный научный руководитель
roster-reason-duplicate = повтор
roster-reason-bad_email = неверный e-mail
roster-reason-title_too_long = слишком длинная тема
roster-reason-no_name = нет имени
roster-reason-bad_role = неизвестная роль (укажите supervisor или student)
roster-import_button = Импортировать
roster-cancel_button = Отмена
roster-import_gone = Этот импорт больше не ожидает. Пожалуйста, отправьте файл ещё раз.
roster-importing = Импортирую список…
roster-imported = ✅ Список импортирован. Новых научных руководителей: { $supervisors }, новых студентов: { $students }, обновлено: { $updated }. Отправьте всем личные ссылки из /roster.
roster-cancelled = Импорт отменён. Ничего не изменилось.
roster-use_buttons = Пожалуйста, нажмите «Импортировать» или «Отмена» под предпросмотром либо отправьте другой файл со списком.
roster-header = <b>Список кафедры</b>: присоединились — { $joined }, ещё не присоединились — { $pending }.
roster-line = • { $name } — { $role }, { $email }: { $link }
roster-link-live = ссылка действует до { $expires }
roster-link-none = действующей ссылки нет (нажмите «Напомнить»)
roster-send_file = Чтобы импортировать список, отправьте его сюда файлом CSV или XLSX (столбцы — в «Шаблоне»).
roster-remind_button = Напомнить: { $name }
roster-revoke_button = Отозвать
roster-template_button = Шаблон
roster-template_caption = Шаблон списка. Столбцы: name (имя), role (supervisor или student), email, supervisor (e-mail или имя научного руководителя), title (тема), co_supervisors (через ;), language (en или ru). Заполните и отправьте сюда.
roster-links_csv_button = Ссылки (CSV)
roster-links_pdf_button = Ссылки (PDF)
roster-links_working = Готовлю личные ссылки…
roster-links_caption = Личные ссылки тех, кто ещё не присоединился: { $count }. Каждая работает один раз и только для своего человека.
roster-revoked = Личная ссылка отозвана: { $name }.
roster-reminded =
    🔗 Новая личная ссылка для <b>{ $name }</b> ({ $email }):
    { $link }

    Действует до { $expires }, один раз. Прежняя ссылка больше не работает.
roster-pdf-title = Личные ссылки
roster-pdf-none = Все из списка уже присоединились.
roster-pdf-how = Каждый код ниже — личная ссылка, которая работает один раз и только для своего человека: откройте её или отсканируйте код телефоном, чтобы присоединиться в Telegram.

firstrun-header = <b>С чего начать</b>: шаги запуска, отмечаются по мере выполнения.
firstrun-step = { $mark } { $step }
firstrun-scheme = Задайте схему оценивания командой /scheme
firstrun-statement = Задайте текст заявления об авторстве командой /statement
firstrun-roster = Импортируйте список кафедры: отправьте его файлом CSV или XLSX (шаблон — в /roster)
firstrun-links = Разошлите личные ссылки: «Ссылки (CSV)» или «Ссылки (PDF)» в /roster
firstrun-test_student = Пригласите тестового студента: откройте личную ссылку студента со второго аккаунта
firstrun-all_done = Всё готово. Добро пожаловать!
firstrun-refresh_button = Обновить
cmd-roster = Список кафедры и личные ссылки
left-RosterStates = Список не импортирован.
roster-pdf-valid = Действует до { $expires }
start-registered-no_supervisor =
    ✅ Добро пожаловать, { $name }! Вы зарегистрированы как <b>студент</b>.
    Ваш научный руководитель ещё не присоединился к боту; он станет вашим научным руководителем здесь, как только присоединится. Все команды — /help.
roster-preview-more = Ещё строк с ошибками (не показаны): { $count }.
