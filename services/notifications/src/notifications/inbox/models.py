"""The stored notices and preferences, and the indexes their queries use."""

from kit.mongo import Index

NOTIFICATIONS = "notifications"
PREFERENCES = "preferences"

# A notification document:
#   _id           the notification id: a name-based uuid's hex, of authority, event, person
#                 and kind (a notice recorded before ids were made so has a random one)
#   authority     the authority it belongs to; every query names it
#   user_id       the person it is for; every request-side query names them too
#   audience      "applicant", "staff" or "landlord": each shown only to holders of its roles
#   kind          which kind of event it tells of (`application_accepted`, ...)
#   event_id      the envelope id of the event
#   event_type    that event's type
#   case_id       the case it is about, if any
#   activity      what happened, in the person's language
#   language      that language
#   activities    what happened in each of the portal's languages ({"en": ..., "cy": ...}),
#                 shown in the language of the page the person reads; absent on notices
#                 recorded before notices held every language, shown as `activity`
#   link          the portal path of the thing it is about
#   seen          whether the person has opened it (indexed for the unread count)
#   created_at    when the event happened (the envelope's occurred_at)
#   seen_at       when the person first opened it; absent until then
#
# A preferences document, one per person and authority:
#   _id           "{authority}:{user_id}"
#   authority, user_id
#   email_off     the kinds of event the person asked not to be emailed about
#   version       bumped on every change (the ETag)
#   updated_at

# The store's planner serves a query from an index only when the index holds every field
# the query names, with any `$in` last: so each query below has an index of its own.
NOTIFICATION_INDEXES = [
    # One notice per event, person and kind, even if the event arrives twice: a notice's id
    # is made from the three, so the `_id` index refuses the second. This index did it, and
    # cost every notice written a seventh of its write.
    Index(
        NOTIFICATIONS,
        [("authority", 1), ("event_id", 1), ("user_id", 1), ("kind", 1)],
        name="one_per_event_person_kind",
        unique=True,
        retired=True,
    ),
    # A person's notices, newest first: all of them, or those of one audience.
    Index(
        NOTIFICATIONS,
        [("authority", 1), ("user_id", 1), ("created_at", -1), ("_id", -1)],
        name="by_person_newest",
    ),
    Index(
        NOTIFICATIONS,
        [("authority", 1), ("user_id", 1), ("audience", 1), ("created_at", -1), ("_id", -1)],
        name="by_person_audience_newest",
    ),
    # The unread count and "mark all seen": the equality prefix selects only unseen notices.
    Index(
        NOTIFICATIONS,
        [("authority", 1), ("user_id", 1), ("seen", 1), ("audience", 1)],
        name="by_person_unseen",
    ),
    # One of a person's notices is found by its id, which the store looks up in the `_id`
    # index whatever else the query names.
    Index(
        NOTIFICATIONS,
        [("authority", 1), ("user_id", 1), ("_id", 1)],
        name="by_person_id",
        retired=True,
    ),
    # Dropping the notices about a case nobody can see any more.
    Index(NOTIFICATIONS, [("authority", 1), ("case_id", 1)], name="by_case"),
    # A person's preferences, read and changed at a version.
    Index(PREFERENCES, [("authority", 1), ("_id", 1), ("version", 1)], name="by_person_version"),
]
