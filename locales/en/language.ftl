## /language: the bot's language, chosen by each person.

# This language's own name, on its /language button.
language-name = English
language-ask = Choose the language of the bot:
language-set = ✅ The bot now speaks English.
