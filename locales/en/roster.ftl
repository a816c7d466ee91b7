## The roster: /roster, the import's preview, personal links, the first-run checklist.

roster-preview-create = { $supervisors ->
        [one] { $supervisors } supervisor
       *[other] { $supervisors } supervisors
    } and { $students ->
        [one] { $students } student
       *[other] { $students } students
    } to create.
roster-preview-updated = { $count ->
        [one] { $count } pending person to update.
       *[other] { $count } pending people to update.
    }
roster-preview-unchanged = { $count ->
        [one] { $count } row already imported, nothing to change.
       *[other] { $count } rows already imported, nothing to change.
    }
roster-preview-problems = { $count ->
        [one] { $count } row with a problem (it is not imported):
       *[other] { $count } rows with problems (they are not imported):
    }
roster-preview-problem = Row { $row }: { $reason }
roster-preview-nothing = Nothing to import: the roster is here already as it is.
roster-reason-unknown_supervisor = unknown supervisor
roster-reason-duplicate = duplicate
roster-reason-bad_email = bad e-mail
roster-reason-title_too_long = title too long
roster-reason-no_name = no name
roster-reason-bad_role = unknown role (write supervisor or student)
roster-import_button = Import
roster-cancel_button = Cancel
roster-import_gone = This import is no longer waiting. Please send the file again.
roster-importing = Importing the roster…
roster-imported = ✅ Roster imported: { $supervisors } new supervisors, { $students } new students, { $updated } updated. Send everyone their personal link from /roster.
roster-cancelled = Import cancelled. Nothing was changed.
roster-use_buttons = Please press Import or Cancel under the preview, or send another roster file.
roster-header = <b>Roster</b>: { $joined } joined, { $pending } not yet joined.
roster-line = • { $name } — { $role }, { $email }: { $link }
roster-link-live = link valid until { $expires }
roster-link-none = no valid link (press Remind)
roster-send_file = To import a roster, send it here as a CSV or XLSX file (Template shows the columns).
roster-remind_button = Remind { $name }
roster-revoke_button = Revoke
roster-template_button = Template
roster-template_caption = The roster template. Columns: name, role (supervisor or student), email, supervisor (the supervisor's e-mail or name), title, co_supervisors (separated by ;), language (en or ru). Fill it in and send it back here.
roster-links_csv_button = Links (CSV)
roster-links_pdf_button = Links (PDF)
roster-links_working = Preparing the personal links…
roster-links_caption = { $count ->
        [one] The personal link of { $count } person who has not joined yet. It works once, for that person only.
       *[other] Personal links of { $count } people who have not joined yet. Each works once, for that person only.
    }
roster-revoked = The personal link of { $name } was revoked.
roster-reminded =
    🔗 A new personal link for <b>{ $name }</b> ({ $email }):
    { $link }

    Valid until { $expires }, single use. The earlier link no longer works.
roster-pdf-title = Personal links
roster-pdf-none = Everyone on the roster has joined.
roster-pdf-how = Each code below is a personal link that works once, for that person only: open it, or scan the code with your phone, to join in Telegram.

firstrun-header = <b>Getting started</b>: the steps of a roll-out, ticked as they are done.
firstrun-step = { $mark } { $step }
firstrun-scheme = Set the assessment scheme with /scheme
firstrun-statement = Set the authorship statement with /statement
firstrun-roster = Import the roster: send it as a CSV or XLSX file (the template is in /roster)
firstrun-links = Send the personal links: Links (CSV) or Links (PDF) in /roster
firstrun-test_student = Invite a test student: open a student's personal link from a second account
firstrun-all_done = All done. Welcome aboard!
firstrun-refresh_button = Refresh
cmd-roster = Roster and personal links
left-RosterStates = The roster was not imported.
roster-pdf-valid = Valid until { $expires }
start-registered-no_supervisor =
    ✅ Welcome, { $name }! You are registered as a <b>student</b>.
    Your supervisor has not joined the bot yet; they become your supervisor here as soon as they do. Send /help to see everything.
roster-preview-more = { $count ->
        [one] { $count } more row with a problem is not shown.
       *[other] { $count } more rows with problems are not shown.
    }
