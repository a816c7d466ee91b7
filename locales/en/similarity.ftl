shared-line =
    {""}
    🔎 <b>Shared text</b>: { $percent } % — most with «{ $title }» ({ $year }, { $source } %)
shared-line_alert =
    {""}
    ⚠️ <b>Shared text</b>: { $percent } % — most with «{ $title }» ({ $year }, { $source } %)
shared-none =
    {""}
    🔎 Shared text: no shared text found
shared-own =
    {""}
    🔎 Shared text: { $percent } %
shared-button = 🔎 Shared text
shared-history_button = 🔎 v{ $version }
error-shared_text_not_ready = Version { $version } has not been checked for text shared with other theses yet (it is done a few seconds after the upload, when the file has a text layer).
shared-alert = ⚠️ <b>Shared text</b>: the final version (v{ $version }) of «{ $title }» by { $student } shares { $percent } % of its text with other theses.
