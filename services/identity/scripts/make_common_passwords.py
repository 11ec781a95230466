"""Write identity's list of common passwords (services/identity/src/identity/passwords/)."""

# The list holds the best-known leaked and guessed passwords and the ways people dress them up to
# pass a policy like ours (a capital, a number, a symbol): "Password123!", "Summer2024!",
# "P@ssw0rd1". Run it again after editing the word lists:
#
#     .venv/bin/python services/identity/scripts/make_common_passwords.py

from pathlib import Path

OUTPUT = (
    Path(__file__).resolve().parents[1] / "src" / "identity" / "passwords" / "common-passwords.txt"
)


def words(text: str) -> list[str]:
    """The words of a block of text."""
    return text.split()


# The most used passwords in published breach analyses and yearly "worst passwords" lists.
TOP_PASSWORDS = words(
    """
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball
abc123 football monkey letmein 696969 shadow master 666666 qwertyuiop 123321 mustang
1234567890 michael 654321 superman 1qaz2wsx 7777777 121212 000000 qazwsx 123qwe killer
trustno1 jordan jennifer zxcvbnm asdfgh hunter buster soccer harley batman andrew tigger
sunshine iloveyou 2000 charlie robert thomas hockey ranger daniel starwars klaster 112233
george computer michelle jessica pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777
pass maggie 159753 aaaaaa ginger princess joshua cheese amanda summer love ashley nicole
chelsea biteme matthew access yankees 987654321 dallas austin thunder taylor matrix
minecraft william corvette hello martin heather secret merlin diamond 1234qwer gfhjkm hammer
silver 222222 88888888 anthony justin test bailey q1w2e3r4t5 patrick internet scooter orange
11111 golfer cookie richard samantha bigdog guitar jackson whatever mickey chicken sparky
snoopy maverick phoenix camaro peanut morgan welcome falcon cowboy ferrari samsung andrea
smokey steelers joseph mercedes dakota arsenal eagles melissa boomer booboo spider nascar
monster tigers yellow xxxxxx 123123123 gateway marina diablo bulldog qwer1234 compaq purple
hardcore banana junior hannah 123654 porsche lakers iceman money cowboys 987654 london
tennis 999999 ncc1701 coffee scooby 0000 miller boston q1w2e3r4 brandon yamaha chester
mother forever johnny edward 333333 oliver redsox player nikita knight fender barney
midnight please brandy chicago badboy slayer rangers charles angel flower bigdaddy rabbit
wizard bigdick jasper enter rachel chris steven winner adidas victoria natasha 1q2w3e4r
jasmine winter prince panties marine ghbdtn fishing cocacola casper james 232323 raiders
888888 marlboro gandalf asdfasdf crystal 87654321 12344321 golden 8675309 panther lauren
angela bitch spanky thx1138 angels madison winston shannon mike toyota blowjob jordan23
canada sophie apples dick tiger razz 123abc pokemon qazxsw 55555 qwaszx muffin johnson
murphy cooper jonathan liverpoo david danielle 159357 jackie 1990 123456a 789456 turtle
horny abcd1234 scorpion qazwsxedc 101010 butter carlos password1 dennis slipknot qwerty123
booger asdf 1991 black startrek 12341234 cameron newyork rainbow nathan john 1992 rocket
viking redskins butthead asdfghjkl 1212 sierra peaches gemini doctor wilson sandra helpme
qwertyui victor florida dolphin pookie captain tucker blue liverpool theman bandit dolphins
maddog packers jaguar lovers nicholas united tiffany maxwell zzzzzz nirvana jeremy suckit
stupid porn monica elephant giants jackass hotdog rosebud success debbie mountain 444444
xxxxxxxx warrior 1q2w3e4r5t q1w2e3 123456q albert metallic lucky azerty 7777 shithead alex
bond007 alexis 1111111 samson 5150 willie scorpio bonnie gators benjamin voodoo driver
dexter 2112 jason calvin freddy 212121 creative 12345a sydney rush2112 1989 asdfghjk red123
bubba 4815162342 passw0rd trouble gunner happy gordon legend jessie stella qwert eminem
arthur apple nissan bullshit bear america 1qazxsw2 nothing parker 4444 rebecca qweqwe
garfield 01012011 beavis 69696969 jack asdasd december 2222 102030 252525 11223344 magic
apollo skippy 315475 girls kitten golf copper braves shelby godzilla beaver fred tomcat
august buddy airborne 1993 1988 lifehack qqqqqq brooklyn animal platinum phantom online
xavier darkness blink182 power fish green 789456123 voyager police travis 12qwaszx heaven
snowball lover abcdef 00000 pakistan 007007 walter playboy blazer cricket sniper hooters
donkey willow loveme saturn therock redwings bigboy pumpkin trinity williams tits nintendo
digital destiny topgun runner marvin guinness chance bubbles testing fire november minnie
asdf1234 lakers1 jaguar1 admin administrator root user guest login changeme default welcome1
letmein1 qwerty1 password12 password123 iloveyou1 princess1 monkey1 football1 sunshine1
superman1 abc12345 zaq12wsx passpass secret123 trustno1 welcome123 hello123 admin123 root123
test123 test1234
"""
)

# Words people build policy-compliant passwords from: seasons, months, places, teams, family.
BASE_WORDS = words(
    """
password passw0rd p@ssword p@ssw0rd pa55word pa55w0rd welcome welc0me qwerty qwertyuiop
letmein iloveyou sunshine princess football baseball monkey dragon shadow master superman
batman starwars summer winter spring autumn january february march april may june july
august september october november december monday friday sunday christmas easter holiday
london manchester liverpool chelsea arsenal tottenham everton leeds newcastle birmingham
england scotland wales ireland britain football123 cricket rugby tennis hockey soccer family
mother father sister brother daughter children husband wife baby darling sweetheart charlie
thomas daniel michael william jessica jennifer matthew joshua andrew oliver harry george
jack jacob emily sophie olivia amelia chloe hannah lucy grace company office computer
internet windows microsoft google facebook linkedin twitter admin administrator changeme
default secret access security login letmein welcome housing council portal tenant landlord
ombudsman homeless property rental kingston watford rugby surrey hertford warwick england1
london1 liverpool1 chelsea1 arsenal1 abcdefgh abcdefghij qwertyui asdfghjkl zxcvbnm 1q2w3e4r
1qaz2wsx qazwsx zaq1xsw2 trustno1 whatever freedom pepper cookie chocolate coffee banana
orange purple yellow flower garden rainbow butterfly diamond silver golden angel heaven
blessed jesus pokemon minecraft fortnite starwars harrypotter liverpoolfc manutd mancity
"""
)

SUFFIXES = [
    "!",
    "1!",
    "12!",
    "123!",
    "1234!",
    "12345!",
    "123456!",
    "!1",
    "@1",
    "#1",
    "@123",
    "#123",
    "123@",
    "123#",
    "1@",
    "01!",
    "2020!",
    "2021!",
    "2022!",
    "2023!",
    "2024!",
    "2025!",
    "2026!",
    "1",
    "123",
    "1234",
]
LEET = str.maketrans({"a": "@", "o": "0", "e": "3", "i": "1", "s": "$"})


def common_passwords() -> list[str]:
    """Every entry, lower-cased and without repeats, most likely first."""
    entries: dict[str, None] = {}
    for word in TOP_PASSWORDS:
        entries[word.lower()] = None
    for word in BASE_WORDS:
        entries[word.lower()] = None
    for word in BASE_WORDS:
        for suffix in SUFFIXES:
            entries[f"{word}{suffix}".lower()] = None
        entries[word.translate(LEET) + "1!"] = None
        entries[word.translate(LEET) + "123!"] = None
    return list(entries)


def main() -> None:
    """Write the list, one password a line."""
    entries = common_passwords()
    OUTPUT.write_text("\n".join(entries) + "\n", encoding="utf-8")
    print(f"{len(entries)} passwords written to {OUTPUT}")


if __name__ == "__main__":
    main()
