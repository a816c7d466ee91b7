## Стол рецензирования: комментарии к фрагментам, как их показывает карточка версии.

desk-passages =
    {""}
    📌 <b>Комментарии к фрагментам</b>: { $counts }
    { $items }
desk-passages-unchanged = { $count ->
    [one] { $count } фрагмент не изменился
    [few] { $count } фрагмента не изменились
   *[other] { $count } фрагментов не изменились
}
desk-passages-changed = { $count ->
    [one] { $count } фрагмент изменён
    [few] { $count } фрагмента изменены
   *[other] { $count } фрагментов изменены
}
desk-passages-removed = { $count ->
    [one] { $count } фрагмент удалён
    [few] { $count } фрагмента удалены
   *[other] { $count } фрагментов удалены
}
desk-passage-unchanged = с. { $page }: фрагмент не изменился{ $new_page ->
    [0] {""}
   *[other] , теперь с. { $new_page }
}
desk-passage-changed = с. { $page }: фрагмент изменён{ $new_page ->
    [0] {""}
   *[other] , теперь с. { $new_page }
}
desk-passage-removed = с. { $page }: фрагмент удалён{ $new_page ->
    [0] {""}
   *[other] {""}
}
error-invalid_anchor = Комментарию к фрагменту нужен сам фрагмент (или область страницы) и текст не длиннее 1000 символов.
