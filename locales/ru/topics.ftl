## Темы, каталог, заявки, собеседования и предложение (handlers/topics.py).

topic-card =
    📌 <b>«{ $title }»</b>
    Научный руководитель: { $supervisor } · язык: { $language } · мест: { $places }
    { $tags }

    { $description }{ $requirements }{ $proposal }
topic-requirements =
    {""}
    Требования: { $requirements }
topic-proposal_line = {""}
    📝 Принятый студент сначала отправляет предложение (proposal).
topic-closed_line = 🔒 Тема закрыта: заявки не принимаются.
topic-own_line =
    {""}
    Заявок ждут ответа: { $waiting } · принято: { $accepted }
    Ссылка: { $link }
topic-share_button = Поделиться
topic-share_text = Тема выпускной работы: «{ $title }»
topic-qr_button = QR-код
topic-qr_caption =
    <b>«{ $title }»</b>
    { $link }
topic-close_button = 🔒 Закрыть
topic-reopen_button = 🔓 Открыть снова
topic-apply_button = ✍️ Подать заявку
topic-catalogue_button = 📚 Каталог
topic-state-open = открыта
topic-state-closed = закрыта
topic-now-open = Тема снова открыта.
topic-now-closed = Тема закрыта.
topics-mine-header = <b>Ваши темы</b> ({ $count }):
topics-mine-line = { $number }. <b>«{ $title }»</b> — { $state }, ждут ответа { $waiting }, принято { $accepted } из { $places }
topics-mine-none = У вас пока нет тем. Нажмите «Новая тема», чтобы предложить тему.
topics-new_button = ➕ Новая тема
catalogue-empty = Подходящих открытых тем нет. Попробуйте другое слово или фильтр либо загляните позже.
catalogue-header = <b>Открытые темы</b>: { $count } (страница { $page } из { $pages }). Нажмите на тему, чтобы прочитать её и подать заявку.
catalogue-search = Поиск: { $word }
catalogue-line = { $number }. <b>«{ $title }»</b> — { $supervisor } · { $language } { $tags }
topic-ask-title = Как называется тема? Пришлите название (до { $max } символов).
topic-ask-description = Опишите тему в нескольких предложениях.
topic-ask-requirements = Что нужно знать и уметь кандидатам? Пришлите требования или /skip.
topic-ask-places = Сколько студентов вы возьмёте на эту тему? Пришлите число от 1 до { $max }.
topic-ask-language = На каком языке пишется работа? Пришлите код языка, например ru, en или de.
topic-ask-tags = Теги для каталога через запятую (например, nlp, graphs) или /skip.
topic-ask-proposal = Должен ли принятый студент сначала отправить предложение, которое проверяется как версия?
topic-proposal_yes = Да, сначала предложение
topic-proposal_no = Нет
topic-need_text = Пожалуйста, ответьте текстом или отправьте /cancel.
topic-need_button = Пожалуйста, нажмите одну из кнопок или отправьте /cancel.
topic-created =
    ✅ Тема опубликована: <b>«{ $title }»</b>
    Ссылка: { $link }
    Поделитесь ею или покажите этот QR-код.
error-invalid_topic = { $reason_text }
reason-topic_title = Название должно быть от 1 до 300 символов. Пришлите его ещё раз.
reason-topic_text = Пришлите текст длиной не более 3000 символов.
reason-topic_places = Пришлите число от 1 до 20.
reason-topic_language = Пришлите код языка из двух или трёх букв, например ru.
reason-topic_tags = Не больше 8 тегов, каждый — одно слово из букв, цифр, + . или - (до 24 символов). Пришлите их ещё раз.
reason-topic_co_supervisor = Среди научных руководителей нет человека с таким именем. Этот человек должен сначала запустить бота.
reason-motivation = Напишите мотивацию текстом, не длиннее 3000 символов.
reason-decline_reason = Напишите причину.
error-topic_closed = Тема «{ $title }» сейчас не принимает заявки.
error-too_many_applications = У вас уже { $max } заявки ждут ответа. Дождитесь ответа, прежде чем подавать новую.
error-already_applied = Вы уже подали заявку на тему «{ $title }». Научный руководитель ответит здесь.
error-cannot_apply = Заявки на темы подают только студенты, у которых ещё нет научного руководителя.
error-application_decided = По этой заявке ({ $name }) решение уже принято.
error-invalid_slots = { $reason_text }
reason-slots_count = Пришлите от 1 до 5 вариантов времени, по одному в строке, например <code>15.01.2027 10:00</code>.
reason-slot_taken = Вы уже выбрали время этого собеседования.
reason-cv_not_pdf = Пришлите резюме или выписку оценок в формате PDF.

apply-ask_motivation = ✍️ Заявка на тему <b>«{ $title }»</b>. Почему эта тема? Напишите мотивацию в нескольких предложениях.
apply-need_text = Напишите мотивацию текстом или отправьте /cancel.
apply-ask_cv = Приложите резюме или выписку оценок в PDF либо отправьте /skip.
apply-need_cv = Пришлите PDF, /skip или /cancel.
apply-sent = ✅ Заявка отправлена{ $cv }. Научный руководитель ответит здесь; если ответа не будет { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[other] { $days } дней
    }, заявка закроется сама.
apply-sent_cv = {" "}вместе с PDF

application-card =
    📨 <b>Новая заявка</b> на тему <b>«{ $title }»</b>
    От: { $name } { $username }
    Заявок на эту тему ждут ответа: { $count }

    { $motivation }
application-button-accept = ✅ Принять
application-button-decline = ❌ Отказать
application-button-interview = 🗓 Собеседование
application-accepted_by_you = ✅ { $name } теперь у вас в студентах, тема работы — «{ $title }».
application-topic_filled = Места на теме заняты: тема закрыта, других заявок отклонено: { $count }.
application-ask_reason = Почему вы отказываете ({ $name })? Выберите шаблон (его прочтут на своём языке) или напишите своими словами.
application-template-filled = Места заняты
application-template-fit = Не подходит профиль
application-template-capacity = Сейчас нет мест
application-template-own = ✍️ Своими словами
application-ask_own_reason = Напишите причину; она будет отправлена так, как вы её написали.
application-declined_by_you = Заявка ({ $name }) отклонена, автору сообщено.
application-accepted =
    🎉 Ваша заявка на тему <b>«{ $title }»</b> принята. Научный руководитель: { $supervisor }.
    { $next }
application-next-proposal = Сначала отправьте предложение (PDF или DOCX) командой /proposal; работа начнётся, когда его примут.
application-next-submit = Когда будет готова первая версия, отправьте её командой /submit.
application-declined =
    Спасибо за заявку на тему <b>«{ $title }»</b>. Научный руководитель ({ $supervisor }) не может её принять.
    Причина: { $reason }
application-reason-filled = Все места на этой теме заняты.
application-reason-fit = Ваш профиль недостаточно подходит к этой теме.
application-reason-capacity = Сейчас у научного руководителя нет мест для новых студентов.
application-reason-expired = На неё не ответили вовремя, поэтому она закрыта. Вы можете подать заявки на другие темы.
application-reason-accepted_elsewhere = Вас приняли на другую тему.
application-reminder = ⏰ Заявка ({ $name }) на тему <b>«{ $title }»</b> ждёт ответа. Без ответа она будет отклонена автоматически { $due }.
application-withdrawn-accepted_elsewhere = Заявка ({ $name }) на тему <b>«{ $title }»</b> закрыта: автора приняли на другую тему.
application-withdrawn-expired = Заявка ({ $name }) на тему <b>«{ $title }»</b> отклонена автоматически: она слишком долго ждала ответа.
interview-ask_slots = 🗓 Собеседование ({ $name }): пришлите от 1 до 5 вариантов времени, по одному в строке (например, <code>15.01.2027 10:00</code>). Из них выберут один.
interview-proposed_by_you = Предложено вариантов времени: { $count }. Ждём выбора ({ $name }).
interview-proposed = 🗓 Научный руководитель ({ $supervisor }) приглашает вас на собеседование по теме <b>«{ $title }»</b>. Выберите время:
interview-picked = ✅ Собеседование назначено на { $at }. Научному руководителю сообщено.
interview-set = 🗓 Собеседование ({ $name }) по теме <b>«{ $title }»</b> назначено на { $at }. Оно есть в /meetings.

card-proposal = 📝 <b>Предложение</b>
decision-proposal_accepted = Предложение принято: начинается работа над текстом. Отправьте версию 1 командой /submit.
submit-ask_proposal = Пришлите предложение в формате PDF или DOCX (до { $limit_mb } МБ).
submit-received_proposal = ✅ Предложение, версия { $version }, получено { $at }. Научный руководитель проверит его как версию.
status-first-proposal =
    <b>«{ $title }»</b>
    Отправьте предложение командой /proposal; первая версия работы — после того, как его примут.
status-first-thesis =
    <b>«{ $title }»</b>
    Пока ничего не отправлено. Отправьте первую версию командой /submit.
status-phase = Этап: { $phases }
status-phase-current = ▶ <b>{ $phase }</b>
phase-proposal = предложение
phase-writing = работа над текстом
phase-final = итоговая версия
error-proposal_first = Для вашей темы сначала нужно предложение. Отправьте его командой /proposal; первая версия — после того, как его примут.
error-no_proposal_needed = Предложение сейчас не нужно. Отправьте версию командой /submit.
left-NewTopicStates = Создание темы прервано (ничего не опубликовано).
left-ApplyStates = Заявка прервана (ничего не отправлено).
left-DecideStates = Ответ на заявку прерван.
stats-topics-header = <b>Темы и заявки</b> (по научным руководителям):
stats-topics-line = { $name }: тем { $topics }, заявок { $count }, принято { $accepted }, доля принятых { $rate }, в среднем дней до решения: { $days }
topic-co_button = 👥 Соруководители
topic-ask-co_supervisors = Кто соруководитель темы <b>«{ $title }»</b>? Пришлите их @username в Telegram (они должны быть в боте) или /skip, если никого. Они войдут в команду принятого студента.
topic-co_set = Соруководители: { $names }. Они войдут в команду студента, которого вы примете.
topic-co_none = У темы теперь нет соруководителей.
left-CoSupervisorStates = Выбор соруководителей прерван (ничего не изменилось).
topic-edit_button = ✏️ Изменить
topic-edit-which = Что изменить в теме <b>«{ $title }»</b>?
topic-edit-ask = Пришлите новое значение: { $field } (/skip оставит требования или теги пустыми).
topic-edit-saved = ✅ Сохранено.
topic-field-title = название
topic-field-description = описание
topic-field-requirements = требования
topic-field-places = число мест
topic-field-language = язык
topic-field-tags = теги
left-EditTopicStates = Изменение темы прервано (ничего не изменилось).
