compare-summary =
    {""}
    🔍 <b>What changed since v{ $base }</b>: { $details }
compare-no_text =
    {""}
    🔍 no text layer: comparison not available
compare-pages = { $delta }{ $n } { $n ->
    [one] page
   *[other] pages
}
compare-words = { $added } words (−{ $removed })
compare-share = { $share } % of the text changed
compare-unchanged = the text is the same
compare-added_one = new section { $sections }
compare-added_many = new sections { $sections }
compare-changed = changed { $sections }
compare-removed = removed { $sections }
compare-more = {" "}and { $count } more
compare-front = the start
compare-button = 🔍 What changed
compare-history_button = 🔍 v{ $version }
error-comparison_not_ready = There is no comparison of version { $version } with the one before yet (it is made a few seconds after the upload, when the file has a text layer).
compare-comparing =
    {""}
    🔍 Comparing with v{ $base }…
