"""Danish and English texts of the researcher's pages, and choosing between them."""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "da"]

TEXTS: dict[str, dict[Lang, str]] = {
    "title": {"en": "ORCID and DTU Orbit", "da": "ORCID og DTU Orbit"},
    "connected.heading": {"en": "Your ORCID record is connected", "da": "Din ORCID-profil er forbundet"},
    "connected.body": {
        "en": "DTU Orbit will now add your public, validated publications to your ORCID record, usually "
        "within minutes, and keep them up to date. You can disconnect at any time.",
        "da": "DTU Orbit tilføjer nu dine offentlige, validerede publikationer til din ORCID-profil, "
        "som regel inden for få minutter, og holder dem opdateret. "
        "Du kan til enhver tid afbryde forbindelsen.",
    },
    "replaced.body": {
        "en": "This replaces your earlier link to {old}; DTU Orbit no longer has access to that record. "
        "The works DTU Orbit added to {old} stay there as they are: that record is yours, so remove them "
        "on orcid.org if you no longer want them. Your works are now being added to your new iD.",
        "da": "Dette erstatter din tidligere forbindelse til {old}; "
        "DTU Orbit har ikke længere adgang til den. De værker, DTU Orbit tilføjede til {old}, bliver "
        "liggende: profilen er din, så fjern dem på orcid.org, hvis du ikke længere vil have dem dér. "
        "Dine værker bliver nu tilføjet til dit nye iD.",
    },
    "taken.heading": {
        "en": "This ORCID iD is already connected to someone else",
        "da": "Dette ORCID iD er allerede forbundet til en anden",
    },
    "taken.body": {
        "en": "The ORCID iD {orcid} is connected to another person's profile in DTU Orbit, so it was not "
        "connected to yours and nothing was stored. If it is your iD, ask the Orbit team at DTU Library "
        "to look into it (they can see which profile holds it); if you signed in to ORCID with the wrong "
        "account, sign out on orcid.org and connect again.",
        "da": "ORCID iD'et {orcid} er forbundet til en anden persons profil i DTU Orbit, så det blev ikke "
        "forbundet til din, og intet blev gemt. Hvis det er dit iD, så bed Orbit-teamet på DTU Bibliotek "
        "om at undersøge det (de kan se, hvilken profil der har det); hvis du loggede ind på ORCID med "
        "den forkerte konto, så log ud på orcid.org og forbind igen.",
    },
    "unknown_person.heading": {
        "en": "DTU Orbit does not know you",
        "da": "DTU Orbit kender dig ikke",
    },
    "unknown_person.body": {
        "en": "You are signed in, but DTU Orbit has no researcher profile for your identity, so there is "
        "nothing to connect and nothing was stored. If you think you should have a profile in Orbit, "
        "contact the Orbit team at DTU Library.",
        "da": "Du er logget ind, men DTU Orbit har ingen forskerprofil for din identitet, så der er intet "
        "at forbinde, og intet blev gemt. Hvis du mener, du burde have en profil i Orbit, så kontakt "
        "Orbit-teamet på DTU Bibliotek.",
    },
    "declined.heading": {"en": "You declined", "da": "Du afviste"},
    "declined.body": {
        "en": "Nothing was shared and nothing will be added to ORCID. You can connect whenever you like.",
        "da": "Intet blev delt, og intet bliver tilføjet til ORCID. Du kan forbinde, når du har lyst.",
    },
    "state.heading": {"en": "This link cannot be used", "da": "Dette link kan ikke bruges"},
    "state.missing": {
        "en": "The answer from ORCID is missing its security check. Please start again from DTU Orbit.",
        "da": "Svaret fra ORCID mangler sit sikkerhedstjek. Start venligst forfra fra DTU Orbit.",
    },
    "state.unknown": {
        "en": "We did not start this authorization, so it was not accepted. "
        "Please start again from DTU Orbit.",
        "da": "Vi startede ikke denne godkendelse, så den blev afvist. Start venligst forfra fra DTU Orbit.",
    },
    "state.expired": {
        "en": "More than 10 minutes passed since you started. Please start again from DTU Orbit.",
        "da": "Der er gået mere end 10 minutter, siden du startede. Start venligst forfra fra DTU Orbit.",
    },
    "state.replayed": {
        "en": "This authorization has already been used. Please start again if you want to connect anew.",
        "da": "Denne godkendelse er allerede brugt. Start forfra, hvis du vil forbinde igen.",
    },
    "state.other_browser": {
        "en": "This authorization was started in another browser. Please start again in this one.",
        "da": "Denne godkendelse blev startet i en anden browser. Start venligst forfra i denne.",
    },
    "grant.heading": {"en": "ORCID did not accept the authorization", "da": "ORCID godkendte ikke"},
    "grant.body": {
        "en": "The code from ORCID was not valid or was already used. Please start again.",
        "da": "Koden fra ORCID var ugyldig eller allerede brugt. Start venligst forfra.",
    },
    "scope.heading": {"en": "Both permissions are needed", "da": "Begge tilladelser er nødvendige"},
    "scope.body": {
        "en": "DTU Orbit needs to read your record and to add works to it. Nothing was stored; please "
        "start again and keep both permissions.",
        "da": "DTU Orbit skal kunne læse din profil og tilføje værker til den. Intet blev gemt; start "
        "forfra og behold begge tilladelser.",
    },
    "down.heading": {"en": "ORCID is not answering", "da": "ORCID svarer ikke"},
    "down.body": {
        "en": "We could not reach ORCID just now. Nothing was stored. Please try again in a few minutes.",
        "da": "Vi kunne ikke nå ORCID lige nu. Intet blev gemt. Prøv igen om et par minutter.",
    },
    "bad_request.heading": {"en": "Something is wrong with this request", "da": "Forespørgslen er ugyldig"},
    "action.retry": {"en": "Start again", "da": "Start forfra"},
    "action.connect": {"en": "Connect your ORCID iD", "da": "Forbind dit ORCID iD"},
    "action.register": {"en": "Create an ORCID iD", "da": "Opret et ORCID iD"},
    "action.status": {"en": "See your ORCID status", "da": "Se din ORCID-status"},
    "action.disconnect": {"en": "Disconnect from ORCID", "da": "Afbryd forbindelsen til ORCID"},
    "status.heading": {"en": "Your ORCID link", "da": "Din ORCID-forbindelse"},
    "status.orcid": {"en": "ORCID iD", "da": "ORCID iD"},
    "status.state": {"en": "Status", "da": "Status"},
    "status.since": {"en": "Last change", "da": "Seneste ændring"},
    "status.last_sync": {"en": "Last synchronization", "da": "Seneste synkronisering"},
    "status.counts": {
        "en": "{on_orcid} on ORCID · {created} added · {updated} updated · {deleted} removed · "
        "{failed} failed",
        "da": "{on_orcid} på ORCID · {created} tilføjet · {updated} opdateret · {deleted} fjernet · "
        "{failed} fejlede",
    },
    "status.problem": {"en": "What needs attention", "da": "Hvad kræver opmærksomhed"},
    "status.former_staff": {
        "en": "Orbit shows that you left DTU on {since}; the end date is on ORCID and the sync is paused "
        "until you work at DTU again.",
        "da": "Orbit viser, at du stoppede på DTU den {since}; slutdatoen står på ORCID, og synkroniseringen "
        "er sat på pause, indtil du igen arbejder på DTU.",
    },
    "symbol.working": {"en": "Synchronizing", "da": "Synkroniserer"},
    "symbol.paused": {"en": "Paused", "da": "Sat på pause"},
    "symbol.needs_attention": {"en": "Needs attention", "da": "Kræver opmærksomhed"},
    "symbol.not_connected": {"en": "Not connected", "da": "Ikke forbundet"},
    "consent.active": {"en": "Connected", "da": "Forbundet"},
    "consent.revoked": {
        "en": "Access was removed on orcid.org. Connect again to resume.",
        "da": "Adgangen blev fjernet på orcid.org. Forbind igen for at genoptage.",
    },
    "consent.disconnected": {
        "en": "You disconnected. Connect again to resume.",
        "da": "Du afbrød forbindelsen. Forbind igen for at genoptage.",
    },
    "consent.declined": {"en": "You declined on ORCID.", "da": "Du afviste på ORCID."},
    "status.none": {
        "en": "Your ORCID record is not connected to DTU Orbit. Connecting takes one visit to orcid.org.",
        "da": "Din ORCID-profil er ikke forbundet med DTU Orbit. Det kræver ét besøg på orcid.org.",
    },
    "resync.heading": {"en": "Synchronization queued", "da": "Synkronisering sat i kø"},
    "resync.body": {
        "en": "Your works will be brought in step with DTU Orbit within minutes.",
        "da": "Dine værker bliver bragt i overensstemmelse med DTU Orbit inden for få minutter.",
    },
    "resync.restore": {
        "en": "Works you removed on ORCID will be added again within minutes.",
        "da": "Værker, du har fjernet på ORCID, bliver tilføjet igen inden for få minutter.",
    },
    "action.sign_in": {"en": "Sign in", "da": "Log ind"},
    "action.sign_out": {"en": "Sign out", "da": "Log ud"},
    "sign_in.needed.heading": {"en": "Please sign in", "da": "Log venligst ind"},
    "sign_in.needed.body": {
        "en": "Sign in with your DTU account to see and change your ORCID link.",
        "da": "Log ind med din DTU-konto for at se og ændre din ORCID-forbindelse.",
    },
    "sign_in.heading": {"en": "Sign-in did not work", "da": "Login lykkedes ikke"},
    "sign_in.state": {
        "en": "This sign-in link is not valid here (expired, used already, or started in another "
        "browser). Please sign in again.",
        "da": "Dette login-link kan ikke bruges her (udløbet, allerede brugt eller startet i en anden "
        "browser). Log venligst ind igen.",
    },
    "sign_in.declined": {
        "en": "You cancelled the sign-in. Nothing was changed.",
        "da": "Du afbrød login. Intet blev ændret.",
    },
    "sign_in.refused": {
        "en": "DTU's sign-in answer could not be verified, so it was not accepted. Please sign in again.",
        "da": "Svaret fra DTU's login kunne ikke bekræftes og blev derfor afvist. Log venligst ind igen.",
    },
    "sign_in.unknown_person": {
        "en": "You signed in, but DTU Orbit has no researcher profile for your account.",
        "da": "Du er logget ind, men DTU Orbit har ingen forskerprofil for din konto.",
    },
    "sign_in.down": {
        "en": "DTU's sign-in is not answering just now. Please try again in a few minutes.",
        "da": "DTU's login svarer ikke lige nu. Prøv igen om et par minutter.",
    },
    "signed_out.heading": {"en": "You are signed out", "da": "Du er logget ud"},
    "signed_out.body": {
        "en": "Your session here has ended. Your ORCID link is unchanged.",
        "da": "Din session her er afsluttet. Din ORCID-forbindelse er uændret.",
    },
    "action.resync": {"en": "Synchronize now", "da": "Synkronisér nu"},
    "action.restore": {"en": "Restore works I removed", "da": "Gendan værker, jeg har fjernet"},
    "disconnected.heading": {"en": "Disconnected", "da": "Forbindelsen er afbrudt"},
    "disconnected.body": {
        "en": "DTU Orbit no longer has access to your ORCID record. Works already there stay; you own them.",
        "da": "DTU Orbit har ikke længere adgang til din ORCID-profil. Værker, der allerede er der, bliver; "
        "de er dine.",
    },
}


def text(key: str, lang: Lang, **values: object) -> str:
    template = TEXTS[key][lang]
    return template.format(**values) if values else template


def choose_language(accept_language: str | None) -> Lang:
    """Danish when the browser prefers it over English, English otherwise (RFC 9110 q-values)."""
    best: tuple[float, Lang] = (0.0, "en")
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in ("da", "en"):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        # Earlier entries win ties, as browsers list preferences in order.
        score = quality - position * 1e-6
        if score > best[0]:
            best = (score, "da" if primary == "da" else "en")
    return best[1]
