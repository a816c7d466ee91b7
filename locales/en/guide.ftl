## The guide per role (api/guide.py serves docs/guide/; /help links to it)

guide-button = Guide
guide-nav = Guides
guide-product = Thesis Supervisor
guide-page-student = Student
guide-page-supervisor = Supervisor
guide-page-admin = Administrator
