shared-line =
    {""}
    🔎 <b>Совпадения с другими работами</b>: { $percent } % — больше всего с «{ $title }» ({ $year }, { $source } %)
shared-line_alert =
    {""}
    ⚠️ <b>Совпадения с другими работами</b>: { $percent } % — больше всего с «{ $title }» ({ $year }, { $source } %)
shared-none =
    {""}
    🔎 Совпадения с другими работами: не найдены
shared-own =
    {""}
    🔎 Совпадения с другими работами: { $percent } %
shared-button = 🔎 Совпадения
shared-history_button = 🔎 v{ $version }
error-shared_text_not_ready = Версия { $version } ещё не проверена на совпадения с другими работами (проверка проходит через несколько секунд после загрузки, если у файла есть текстовый слой).
