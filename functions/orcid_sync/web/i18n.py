"""Danish and English texts of the researcher's pages, and choosing between them."""

from __future__ import annotations

from typing import Literal

from orcid_sync.web.kinds import KIND_NAMES

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
    # --- the status page: the researcher's view of every output ------------------------------------
    "status.orbit": {"en": "DTU Orbit", "da": "DTU Orbit"},
    "status.orbit_profile": {"en": "Your profile in DTU Orbit", "da": "Din profil i DTU Orbit"},
    "status.orcid_icon": {"en": "ORCID iD", "da": "ORCID iD"},
    "status.time": {"en": "{day} {month} {year} at {time}", "da": "{day}. {month} {year} kl. {time}"},
    "status.did": {
        "en": "{created} added · {updated} updated · {deleted} removed · {failed} refused",
        "da": "{created} tilføjet · {updated} opdateret · {deleted} fjernet · {failed} afvist",
    },
    "status.private": {
        "en": "{count} of your works on ORCID are private, so only you can see them. You can change their "
        "visibility — or your default visibility — on orcid.org.",
        "da": "{count} af dine værker på ORCID er private, så kun du kan se dem. Du kan ændre deres "
        "synlighed — eller din standardsynlighed — på orcid.org.",
    },
    "status.left_alone": {
        "en": "{count} other works from DTU Orbit's earlier export are on your record; they are left as "
        "they are.",
        "da": "{count} andre værker fra DTU Orbits tidligere eksport ligger på din profil; de får lov at "
        "blive, som de er.",
    },
    "status.outputs_need_attention": {
        "en": "{count} of your outputs could not go to ORCID; see below what happened to each.",
        "da": "{count} af dine resultater kunne ikke komme på ORCID; se nedenfor, hvad der skete med hvert.",
    },
    "status.paused": {
        "en": "You paused the synchronization: nothing is added, changed or removed on ORCID until you "
        "resume. Resuming brings everything in step again.",
        "da": "Du har sat synkroniseringen på pause: intet tilføjes, ændres eller fjernes på ORCID, før du "
        "genoptager den. Når du genoptager, bringes alt i overensstemmelse igen.",
    },
    "status.waiting_first": {
        "en": "Your outputs are on their way; this page shows each of them after the first synchronization.",
        "da": "Dine resultater er på vej; siden viser hvert af dem efter den første synkronisering.",
    },
    "run.revoked": {
        "en": "You removed DTU Orbit's access on orcid.org, so nothing more is sent. Connect your ORCID iD "
        "again to resume.",
        "da": "Du fjernede DTU Orbits adgang på orcid.org, så der sendes ikke mere. Forbind dit ORCID iD "
        "igen for at genoptage.",
    },
    "run.record_merged": {
        "en": "ORCID merged this record into {orcid}, so nothing more is sent to it. Connect again with "
        "{orcid}: your works are then added there.",
        "da": "ORCID har lagt denne profil sammen med {orcid}, så der sendes ikke mere til den. Forbind igen "
        "med {orcid}: så bliver dine værker tilføjet dér.",
    },
    "run.record_merged.unknown": {
        "en": "ORCID merged this record into another ORCID iD, so nothing more is sent to it. Connect again "
        "with the iD you use now: your works are then added there.",
        "da": "ORCID har lagt denne profil sammen med et andet ORCID iD, så der sendes ikke mere til den. "
        "Forbind igen med det iD, du bruger nu: så bliver dine værker tilføjet dér.",
    },
    "run.record_unavailable.locked": {
        "en": "ORCID has locked your record, so nothing can be added to it. Contact ORCID's support; once it "
        "is unlocked, the nightly synchronization brings your works.",
        "da": "ORCID har låst din profil, så intet kan tilføjes. Kontakt ORCIDs support; når den er låst op, "
        "bringer den natlige synkronisering dine værker.",
    },
    "run.record_unavailable.deactivated": {
        "en": "Your ORCID record is deactivated, so nothing can be added to it. If you reactivate it on "
        "orcid.org, the nightly synchronization brings your works; or connect another ORCID iD.",
        "da": "Din ORCID-profil er deaktiveret, så intet kan tilføjes. Genaktiverer du den på orcid.org, "
        "bringer den natlige synkronisering dine værker; eller forbind et andet ORCID iD.",
    },
    "run.record_unavailable.unclaimed": {
        "en": "Your ORCID record is not claimed yet, so nothing can be added to it. Claim it from ORCID's "
        "e-mail; the nightly synchronization then brings your works.",
        "da": "Din ORCID-profil er endnu ikke aktiveret, så intet kan tilføjes. Aktivér den fra ORCIDs "
        "e-mail; derefter bringer den natlige synkronisering dine værker.",
    },
    "run.record_unavailable.not found": {
        "en": "ORCID has no record with this iD. Connect your ORCID iD again.",
        "da": "ORCID har ingen profil med dette iD. Forbind dit ORCID iD igen.",
    },
    "run.record_unavailable.unavailable": {
        "en": "Your ORCID record takes no new works just now. The nightly synchronization tries again.",
        "da": "Din ORCID-profil tager ikke imod nye værker lige nu. Den natlige synkronisering prøver igen.",
    },
    "run.orcid_refused": {
        "en": "ORCID refused the synchronization, so nothing more was sent. The Orbit team has been told; "
        "you need not do anything.",
        "da": "ORCID afviste synkroniseringen, så der blev ikke sendt mere. Orbit-teamet har fået besked; "
        "du behøver ikke gøre noget.",
    },
    "run.orbit_list_unknown": {
        "en": "DTU Orbit could not list your outputs just now, so nothing on ORCID was changed. It is tried "
        "again tonight.",
        "da": "DTU Orbit kunne ikke liste dine resultater lige nu, så intet på ORCID blev ændret. Der prøves "
        "igen i nat.",
    },
    "run.orbit_list_incomplete": {
        "en": "One of your outputs in DTU Orbit could not be read, so nothing was removed from ORCID this "
        "time. The Orbit team can look into it.",
        "da": "Et af dine resultater i DTU Orbit kunne ikke læses, så intet blev fjernet fra ORCID denne "
        "gang. Orbit-teamet kan se på det.",
    },
    "run.mass_deletion_held": {
        "en": "This synchronization would have removed {count} of your works from ORCID at once. To be safe "
        "nothing was removed, and the Orbit team has been asked to check.",
        "da": "Denne synkronisering ville have fjernet {count} af dine værker fra ORCID på én gang. For en "
        "sikkerheds skyld blev intet fjernet, og Orbit-teamet er bedt om at se på det.",
    },
    "detail.orcid": {"en": "ORCID's message: {message}", "da": "ORCIDs besked: {message}"},
    "detail.orbit": {"en": "Details: {message}", "da": "Detaljer: {message}"},
    "outputs.heading": {"en": "Your outputs in DTU Orbit", "da": "Dine resultater i DTU Orbit"},
    "outputs.none": {
        "en": "No outputs of yours are known here yet.",
        "da": "Der kendes endnu ingen af dine resultater her.",
    },
    "outputs.summary": {"en": "{name}: {count}", "da": "{name}: {count}"},
    "outputs.position": {"en": "{first}–{last} of {total}", "da": "{first}–{last} af {total}"},
    "outputs.next": {"en": "Next page of “{group}”", "da": "Næste side af “{group}”"},
    "outputs.previous": {"en": "Previous page of “{group}”", "da": "Forrige side af “{group}”"},
    "outputs.untitled": {"en": "Orbit output {uuid}", "da": "Orbit-resultat {uuid}"},
    "group.on_orcid": {"en": "On ORCID", "da": "På ORCID"},
    "group.waiting": {"en": "On the way to ORCID", "da": "På vej til ORCID"},
    "group.refused": {"en": "Refused by ORCID", "da": "Afvist af ORCID"},
    "group.cannot_send": {"en": "Could not be sent", "da": "Kunne ikke sendes"},
    "group.duplicate": {"en": "Duplicates of another output", "da": "Dubletter af et andet resultat"},
    "group.removed": {"en": "Removed by you on ORCID", "da": "Fjernet af dig på ORCID"},
    "group.left_out": {"en": "Left out by your choice", "da": "Udeladt efter dit valg"},
    "group.stays": {"en": "Stays in DTU Orbit", "da": "Bliver i DTU Orbit"},
    "output.on_orcid": {"en": "On your ORCID record.", "da": "På din ORCID-profil."},
    "output.see_on_orcid": {"en": "See it on ORCID", "da": "Se det på ORCID"},
    "output.leaving": {
        "en": "You left it out: it is removed from ORCID at the next synchronization.",
        "da": "Du har udeladt det: det fjernes fra ORCID ved næste synkronisering.",
    },
    "output.waiting": {
        "en": "It goes to ORCID at the next synchronization, usually within minutes.",
        "da": "Det kommer på ORCID ved næste synkronisering, som regel inden for få minutter.",
    },
    "output.refused": {
        "en": "ORCID refused it. It is tried again when it changes in DTU Orbit; if it is refused again, "
        "contact DTU Library.",
        "da": "ORCID afviste det. Det prøves igen, når det ændres i DTU Orbit; afvises det igen, så kontakt "
        "DTU Bibliotek.",
    },
    "output.duplicate": {
        "en": "It has the same identifier (such as a DOI) as “{other}”, which goes to ORCID instead: ORCID "
        "keeps one work per identifier. If they are different works, ask DTU Library to correct Orbit.",
        "da": "Det har samme identifikator (fx DOI) som “{other}”, der kommer på ORCID i stedet: ORCID "
        "har ét værk pr. identifikator. Er det forskellige værker, så bed DTU Bibliotek rette Orbit.",
    },
    "output.removed": {
        "en": "You removed it on ORCID, so it is not added again. “Restore works I removed” brings it back.",
        "da": "Du fjernede det på ORCID, så det tilføjes ikke igen. “Gendan værker, jeg har fjernet” "
        "bringer det tilbage.",
    },
    "output.left_out": {
        "en": "You left it out: it is not on ORCID and is not added until you take it back.",
        "da": "Du har udeladt det: det er ikke på ORCID og tilføjes ikke, før du tager det med igen.",
    },
    "output.left_out_kind": {
        "en": "You left out all {kind}: it is not on ORCID until you take that kind back.",
        "da": "Du har udeladt alle {kind}: det er ikke på ORCID, før du tager den slags med igen.",
    },
    "stays.not_public": {
        "en": "It is not public in DTU Orbit, and only public outputs go to ORCID. If it should be public, "
        "ask DTU Library to change its visibility in Orbit.",
        "da": "Det er ikke offentligt i DTU Orbit, og kun offentlige resultater kommer på ORCID. Skal det "
        "være offentligt, så bed DTU Bibliotek ændre dets synlighed i Orbit.",
    },
    "stays.confidential": {
        "en": "It is marked confidential in DTU Orbit, so it stays there.",
        "da": "Det er markeret som fortroligt i DTU Orbit, så det bliver dér.",
    },
    "stays.not_validated": {
        "en": "DTU Library has not validated it yet. It goes to ORCID once it is validated.",
        "da": "DTU Bibliotek har endnu ikke valideret det. Det kommer på ORCID, når det er valideret.",
    },
    "stays.not_published": {
        "en": "It is not published yet (for example submitted or in press). It goes to ORCID once Orbit "
        "records it as published.",
        "da": "Det er endnu ikke udgivet (fx indsendt eller under udgivelse). Det kommer på ORCID, når "
        "Orbit registrerer det som udgivet.",
    },
    "stays.not_an_author": {
        "en": "You are not among its authors in DTU Orbit.",
        "da": "Du er ikke blandt dets forfattere i DTU Orbit.",
    },
    "problem.unbuildable": {
        "en": "Its record in DTU Orbit lacks something ORCID requires, so it could not be sent. It is sent "
        "as soon as it is corrected in Orbit (DTU Library can help).",
        "da": "Dets post i DTU Orbit mangler noget, ORCID kræver, så det kunne ikke sendes. Det sendes, så "
        "snart det er rettet i Orbit (DTU Bibliotek kan hjælpe).",
    },
    "problem.unreadable": {
        "en": "DTU Orbit's record of it could not be read, so it was left as it is. The Orbit team can "
        "look into it.",
        "da": "DTU Orbits post for det kunne ikke læses, så det blev ladt, som det er. Orbit-teamet kan se "
        "på det.",
    },
    "problem.ambiguous": {
        "en": "It matches several works that Orbit's earlier ORCID export made on your record; none was "
        "changed and nothing was added. DTU Library can tell which is which.",
        "da": "Det passer med flere værker, som Orbits tidligere ORCID-eksport lavede på din profil; intet "
        "blev ændret, og intet blev tilføjet. DTU Bibliotek kan afgøre, hvilket der er hvilket.",
    },
    "problem.put_codes": {"en": "ORCID works {message}", "da": "ORCID-værker {message}"},
    "choices.heading": {"en": "Your choices", "da": "Dine valg"},
    "choices.body": {
        "en": "You decide what goes to your ORCID record. Leaving something out removes it from ORCID and "
        "keeps it off until you take it back.",
        "da": "Du bestemmer, hvad der kommer på din ORCID-profil. Udelader du noget, fjernes det fra ORCID "
        "og holdes væk, til du tager det med igen.",
    },
    "choices.kinds": {"en": "Kinds of output", "da": "Slags resultater"},
    "choices.kind_count": {"en": "{kind} ({count})", "da": "{kind} ({count})"},
    "choices.kind_left_out": {"en": "left out", "da": "udeladt"},
    "action.pause": {"en": "Pause the synchronization", "da": "Sæt synkroniseringen på pause"},
    "action.resume": {"en": "Resume the synchronization", "da": "Genoptag synkroniseringen"},
    "action.leave_out": {"en": "Leave out", "da": "Udelad"},
    "action.take_back": {"en": "Take back", "da": "Tag med igen"},
    "choice.heading": {"en": "That choice could not be made", "da": "Det valg kunne ikke foretages"},
    "choice.bad_output": {
        "en": "The form named no output of DTU Orbit. Please go back to the status page and try again.",
        "da": "Formularen nævnte intet resultat fra DTU Orbit. Gå tilbage til statussiden, og prøv igen.",
    },
    "choice.bad_kind": {
        "en": "The form named no kind of output that ORCID knows. Please go back to the status page and "
        "try again.",
        "da": "Formularen nævnte ingen slags resultat, som ORCID kender. Gå tilbage til statussiden, og "
        "prøv igen.",
    },
    "choice.bad_action": {
        "en": "The form asked for a choice this page does not offer. Please go back to the status page.",
        "da": "Formularen bad om et valg, som siden ikke tilbyder. Gå tilbage til statussiden.",
    },
    "choice.too_many": {
        "en": "You have left out as many single outputs as can be stored. Leave out a whole kind of output "
        "instead, or take some back.",
        "da": "Du har udeladt så mange enkelte resultater, som der kan gemmes. Udelad en hel slags "
        "resultater i stedet, eller tag nogle med igen.",
    },
    "month.1": {"en": "January", "da": "januar"},
    "month.2": {"en": "February", "da": "februar"},
    "month.3": {"en": "March", "da": "marts"},
    "month.4": {"en": "April", "da": "april"},
    "month.5": {"en": "May", "da": "maj"},
    "month.6": {"en": "June", "da": "juni"},
    "month.7": {"en": "July", "da": "juli"},
    "month.8": {"en": "August", "da": "august"},
    "month.9": {"en": "September", "da": "september"},
    "month.10": {"en": "October", "da": "oktober"},
    "month.11": {"en": "November", "da": "november"},
    "month.12": {"en": "December", "da": "december"},
    **{f"kind.{kind}": {"en": english, "da": danish} for kind, (english, danish) in KIND_NAMES.items()},
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
