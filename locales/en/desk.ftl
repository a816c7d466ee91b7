## The review desk: anchored comments as the version's card shows them.

desk-passages =
    {""}
    📌 <b>Anchored comments</b>: { $counts }
    { $items }
desk-passages-unchanged = { $count ->
    [one] { $count } passage unchanged
   *[other] { $count } passages unchanged
}
desk-passages-changed = { $count ->
    [one] { $count } passage changed
   *[other] { $count } passages changed
}
desk-passages-removed = { $count ->
    [one] { $count } passage removed
   *[other] { $count } passages removed
}
desk-passage-unchanged = p. { $page }: passage unchanged{ $new_page ->
    [0] {""}
   *[other] , now p. { $new_page }
}
desk-passage-changed = p. { $page }: passage changed{ $new_page ->
    [0] {""}
   *[other] , now p. { $new_page }
}
desk-passage-removed = p. { $page }: passage removed{ $new_page ->
    [0] {""}
   *[other] {""}
}
error-invalid_anchor = A comment on a passage needs the passage (or a region of the page) and a comment of at most 1000 characters.
