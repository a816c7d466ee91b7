## Что изменилось по сравнению с предыдущей версией: на карточке и в /history.

compare-summary =
    {""}
    🔍 <b>Что изменилось с версии { $base }</b>: { $details }
compare-no_text =
    {""}
    🔍 нет текстового слоя: сравнение недоступно
compare-pages = { $delta }{ $n } { $n ->
    [one] страница
    [few] страницы
   *[other] страниц
}
compare-words = слов: { $added } (−{ $removed })
compare-share = изменено { $share } % текста
compare-unchanged = текст не изменился
compare-added_one = новый раздел: { $sections }
compare-added_many = новые разделы: { $sections }
compare-changed = изменены: { $sections }
compare-removed = удалены: { $sections }
compare-more = {" "}и ещё { $count }
compare-front = начало
compare-button = 🔍 Что изменилось
compare-history_button = 🔍 Версия { $version }
error-comparison_not_ready = Сравнения версии { $version } с предыдущей пока нет (оно появляется через несколько секунд после загрузки, если у файла есть текстовый слой).
compare-comparing =
    {""}
    🔍 Сравнение с версией { $base }…
