## Topics, the catalogue, applications, interviews and the proposal (handlers/topics.py).

topic-card =
    📌 <b>{ $title }</b>
    Supervisor: { $supervisor } · language: { $language } · places: { $places }
    { $tags }

    { $description }{ $requirements }{ $proposal }
topic-requirements =
    {""}
    Requirements: { $requirements }
topic-proposal_line = {""}
    📝 The accepted student first submits a proposal.
topic-closed_line = 🔒 This topic is closed: it takes no applications.
topic-own_line =
    {""}
    Waiting applications: { $waiting } · accepted: { $accepted }
    Link: { $link }
topic-share_button = Share
topic-share_text = A thesis topic: { $title }
topic-qr_button = QR code
topic-qr_caption =
    <b>{ $title }</b>
    { $link }
topic-close_button = 🔒 Close
topic-reopen_button = 🔓 Reopen
topic-apply_button = ✍️ Apply
topic-catalogue_button = 📚 Catalogue
topic-state-open = open
topic-state-closed = closed
topic-now-open = The topic is open again.
topic-now-closed = The topic is closed.
topics-mine-header = <b>Your topics</b> ({ $count }):
topics-mine-line = { $number }. <b>{ $title }</b> — { $state }, waiting { $waiting }, accepted { $accepted } of { $places }
topics-mine-none = You have no topics yet. Press New topic to advertise one.
topics-new_button = ➕ New topic
catalogue-empty = No open topics match. Try another word or filter, or look again later.
catalogue-header = <b>Open topics</b>: { $count } (page { $page } of { $pages }). Press one to read it and apply.
catalogue-search = Search: { $word }
catalogue-line = { $number }. <b>{ $title }</b> — { $supervisor } · { $language } { $tags }
topic-ask-title = What is the topic called? Send its title (up to { $max } characters).
topic-ask-description = Describe the topic in a few sentences.
topic-ask-requirements = What should applicants bring (skills, courses)? Send it, or /skip.
topic-ask-places = How many students can you take on this topic? Send a number from 1 to { $max }.
topic-ask-language = In which language is the thesis written? Send its code, e.g. en, de or ru.
topic-ask-tags = Tags for the catalogue, separated by commas (e.g. nlp, graphs), or /skip.
topic-ask-proposal = Must the accepted student first submit a proposal, reviewed like a version?
topic-proposal_yes = Yes, a proposal first
topic-proposal_no = No
topic-need_text = Please answer with text, or /cancel.
topic-need_button = Please press one of the buttons, or /cancel.
topic-created =
    ✅ Topic published: <b>{ $title }</b>
    Its link: { $link }
    Share it, or show this QR code.
error-invalid_topic = { $reason_text }
reason-topic_title = The title must be 1–300 characters. Please send it again.
reason-topic_text = Please send some text, at most 3000 characters.
reason-topic_places = Please send a number from 1 to 20.
reason-topic_language = Please send a language code of two or three letters, e.g. en.
reason-topic_tags = Up to 8 tags, each one word of letters, digits, + . or - (up to 24 characters). Please send them again.
reason-topic_co_supervisor = I know nobody on the supervising side by that username. They must have started the bot.
reason-motivation = Please write your motivation as text, at most 3000 characters.
reason-decline_reason = Please write a reason.
error-topic_closed = The topic { $title } takes no applications now.
error-too_many_applications = You already have { $max } applications waiting. Wait for an answer before you apply again.
error-already_applied = You have already applied for { $title }. The supervisor will answer you here.
error-cannot_apply = Only students without a supervisor apply for topics.
error-application_decided = This application of { $name } is decided already.
error-invalid_slots = { $reason_text }
reason-slots_count = Please send 1 to 5 times, one per line, e.g. <code>15.01.2027 10:00</code>.
reason-slot_taken = You have already picked a time for this interview.
reason-cv_not_pdf = Please send your CV or transcript as a PDF.

apply-ask_motivation = ✍️ Applying for <b>{ $title }</b>. Why this topic? Write your motivation in a few sentences.
apply-need_text = Please write your motivation as text, or /cancel.
apply-ask_cv = Add your CV or transcript as a PDF, or /skip.
apply-need_cv = Please send a PDF, /skip or /cancel.
apply-sent = ✅ Your application is sent{ $cv }. The supervisor answers here; without an answer within { $days ->
        [one] { $days } day
       *[other] { $days } days
    } it is closed on its own.
apply-sent_cv = {" "}with your PDF

application-card =
    📨 <b>New application</b> for <b>{ $title }</b>
    From { $name } { $username }
    Waiting for this topic: { $count }

    { $motivation }
application-button-accept = ✅ Accept
application-button-decline = ❌ Decline
application-button-interview = 🗓 Interview
application-accepted_by_you = ✅ { $name } is now your student, with the thesis { $title }.
application-topic_filled = The topic's places are filled: it is closed, and { $count ->
        [one] 1 other application was declined.
       *[other] { $count } other applications were declined.
    }
application-ask_reason = Why do you decline { $name }? Pick a template (they read it in their language) or write your own.
application-template-filled = The places are filled
application-template-fit = Not a good fit
application-template-capacity = No capacity now
application-template-own = ✍️ My own words
application-ask_own_reason = Write your reason; it is sent as you write it.
application-declined_by_you = The application of { $name } is declined; they are told.
application-accepted =
    🎉 Your application for <b>{ $title }</b> is accepted by { $supervisor }.
    { $next }
application-next-proposal = First send your proposal (PDF or DOCX) with /proposal; the writing begins once it is accepted.
application-next-submit = Send your first version with /submit when it is ready.
application-declined =
    Thank you for your application for <b>{ $title }</b>. { $supervisor } cannot take it.
    Reason: { $reason }
application-reason-filled = The places of this topic are filled.
application-reason-fit = Your profile does not fit this topic well enough.
application-reason-capacity = The supervisor has no capacity for new students now.
application-reason-expired = It was not answered in time, so it was closed. You are welcome to apply for other topics.
application-reason-accepted_elsewhere = You were accepted for another topic.
application-reminder = ⏰ The application of { $name } for <b>{ $title }</b> waits for your answer. Without one it is declined on its own { $due }.
application-withdrawn-accepted_elsewhere = The application of { $name } for <b>{ $title }</b> is closed: they were accepted for another topic.
application-withdrawn-expired = The application of { $name } for <b>{ $title }</b> was declined on its own: it waited too long.
interview-ask_slots = 🗓 Interview with { $name }: send 1 to 5 times, one per line (e.g. <code>15.01.2027 10:00</code>). They pick one.
interview-proposed_by_you = { $name } is asked to pick one of { $count ->
        [one] 1 time.
       *[other] { $count } times.
    }
interview-proposed = 🗓 { $supervisor } invites you to an interview about <b>{ $title }</b>. Pick a time:
interview-picked = ✅ Your interview is on { $at }. The supervisor is told.
interview-set = 🗓 The interview with { $name } about <b>{ $title }</b> is on { $at }. It is in /meetings.

card-proposal = 📝 <b>Proposal</b>
decision-proposal_accepted = The proposal is accepted: the writing begins. Send version 1 with /submit.
submit-ask_proposal = Send your proposal as a PDF or DOCX (up to { $limit_mb } MB).
submit-received_proposal = ✅ Proposal version { $version } received on { $at }. Your supervisor reviews it like a version.
status-first-proposal =
    <b>{ $title }</b>
    Send your proposal with /proposal; your first version follows once it is accepted.
status-first-thesis =
    <b>{ $title }</b>
    Nothing submitted yet. Send your first version with /submit.
status-phase = Phase: { $phases }
status-phase-current = ▶ <b>{ $phase }</b>
phase-proposal = proposal
phase-writing = writing
phase-final = final
error-proposal_first = Your topic asks for a proposal first. Send it with /proposal; the first version can follow once it is accepted.
error-no_proposal_needed = Your thesis needs no proposal now. Send a version with /submit.
left-NewTopicStates = Left the unfinished new topic (nothing was published).
left-ApplyStates = Left the unfinished application (nothing was sent).
left-DecideStates = Left the unfinished answer to an application.
stats-topics-header = <b>Topics and applications</b> (per supervisor):
stats-topics-line = { $name }: topics { $topics }, { $count ->
        [one] 1 application
       *[other] { $count } applications
    }, accepted { $accepted }, acceptance rate { $rate }, mean days to a decision: { $days }
topic-co_button = 👥 Co-supervisors
topic-ask-co_supervisors = Who co-supervises <b>{ $title }</b>? Send their Telegram @usernames (they must have joined the bot), or /skip for nobody. They join the accepted student's team.
topic-co_set = Co-supervisors: { $names }. They join the team of the student you accept.
topic-co_none = The topic has no co-supervisors now.
left-CoSupervisorStates = Left the unfinished co-supervisors (nothing changed).
topic-edit_button = ✏️ Edit
topic-edit-which = What do you change in <b>{ $title }</b>?
topic-edit-ask = Send the new { $field } (/skip leaves requirements or tags empty).
topic-edit-saved = ✅ Saved.
topic-field-title = title
topic-field-description = description
topic-field-requirements = requirements
topic-field-places = places
topic-field-language = language
topic-field-tags = tags
left-EditTopicStates = Left the unfinished edit (nothing changed).
