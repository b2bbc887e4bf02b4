"""Deterministic service data: catalogues, identifiers, UI strings, favicons.

A :class:`Service` is what mirrors of one piracy operation share: the
catalogue (titles, ids, info-hashes, file-host links, player embeds) and
owner identifiers (analytics, ad ids, Telegram).  Everything is derived from
a seed with :class:`random.Random` seeded by strings, so data is stable
across runs and Python versions (no ``hash()``).
"""

from __future__ import annotations

import random
import string
import struct
import zlib
from dataclasses import dataclass, field
from functools import cached_property

LANGS = ("en", "fr", "ru", "ja")
DEFAULT_ENCODING = {"en": "utf-8", "fr": "utf-8", "ru": "windows-1251", "ja": "shift_jis"}
GENRES = ("action", "comedy", "drama", "horror", "sci-fi", "thriller", "animation", "documentary")

GENRE_NAMES = {
    "en": dict(
        zip(
            GENRES,
            (
                "Action",
                "Comedy",
                "Drama",
                "Horror",
                "Sci-Fi",
                "Thriller",
                "Animation",
                "Documentary",
            ),
            strict=True,
        )
    ),
    "fr": dict(
        zip(
            GENRES,
            (
                "Action",
                "Comédie",
                "Drame",
                "Horreur",
                "Science-fiction",
                "Thriller",
                "Animation",
                "Documentaire",
            ),
            strict=True,
        )
    ),
    "ru": dict(
        zip(
            GENRES,
            (
                "Боевик",
                "Комедия",
                "Драма",
                "Ужасы",
                "Фантастика",
                "Триллер",
                "Мультфильм",
                "Документальный",
            ),
            strict=True,
        )
    ),
    "ja": dict(
        zip(
            GENRES,
            (
                "アクション",
                "コメディ",
                "ドラマ",
                "ホラー",
                "SF",
                "スリラー",
                "アニメ",
                "ドキュメンタリー",
            ),
            strict=True,
        )
    ),
}

UI = {
    "en": {
        "home": "Home",
        "latest": "Latest releases",
        "genres": "Genres",
        "page": "Page",
        "watch": "Watch online",
        "download": "Download",
        "magnet": "Magnet link",
        "about": "About us",
        "dmca": "DMCA / Copyright",
        "mirrors": "Mirrors",
        "next": "Next",
        "prev": "Previous",
        "year": "Year",
        "size": "Size",
        "search": "Search",
        "contact": "Contact us on Telegram",
        "mirrors_text": "If our site is blocked, use one of these addresses:",
        "about_text": "{brand} is the best place to watch and download movies and series.",
        "dmca_text": "{brand} does not host any files. Links point to third-party hosts.",
        "desc": "{title} ({year}) is a {genre} {kind}. Watch it in HD, {quality}, free.",
    },
    "fr": {
        "home": "Accueil",
        "latest": "Dernières sorties",
        "genres": "Genres",
        "page": "Page",
        "watch": "Regarder en streaming",
        "download": "Télécharger",
        "magnet": "Lien magnet",
        "about": "À propos",
        "dmca": "DMCA / Droits d'auteur",
        "mirrors": "Miroirs",
        "next": "Suivant",
        "prev": "Précédent",
        "year": "Année",
        "size": "Taille",
        "search": "Rechercher",
        "contact": "Contactez-nous sur Telegram",
        "mirrors_text": "Si notre site est bloqué, utilisez une de ces adresses :",
        "about_text": "{brand} est le meilleur site pour regarder et télécharger des films.",
        "dmca_text": "{brand} n'héberge aucun fichier. Les liens mènent vers des hébergeurs.",
        "desc": "{title} ({year}) : {kind} {genre}. Regardez-le en HD, {quality}, gratuit.",
    },
    "ru": {
        "home": "Главная",
        "latest": "Новинки",
        "genres": "Жанры",
        "page": "Страница",
        "watch": "Смотреть онлайн",
        "download": "Скачать",
        "magnet": "Магнет-ссылка",
        "about": "О нас",
        "dmca": "Правообладателям",
        "mirrors": "Зеркала",
        "next": "Далее",
        "prev": "Назад",
        "year": "Год",
        "size": "Размер",
        "search": "Поиск",
        "contact": "Пишите нам в Telegram",
        "mirrors_text": "Если сайт заблокирован, используйте эти адреса:",
        "about_text": "{brand} — лучшее место, чтобы смотреть и скачивать фильмы.",
        "dmca_text": "{brand} не хранит файлы. Ссылки ведут на сторонние ресурсы.",
        "desc": "{title} ({year}) — {genre}, {kind}. Смотреть в HD, {quality}, бесплатно.",
    },
    "ja": {
        "home": "ホーム",
        "latest": "新着",
        "genres": "ジャンル",
        "page": "ページ",
        "watch": "オンラインで見る",
        "download": "ダウンロード",
        "magnet": "マグネットリンク",
        "about": "サイトについて",
        "dmca": "著作権について",
        "mirrors": "ミラー",
        "next": "次へ",
        "prev": "前へ",
        "year": "年",
        "size": "サイズ",
        "search": "検索",
        "contact": "テレグラムで連絡",
        "mirrors_text": "サイトがブロックされた場合は、次のアドレスを使ってください：",
        "about_text": "{brand}は映画とドラマを見るための最高のサイトです。",
        "dmca_text": "{brand}はファイルをホストしていません。",
        "desc": "{title}（{year}）は{genre}の{kind}です。HD {quality} で無料視聴。",
    },
}

KIND_NAMES = {
    "en": {"movie": "movie", "series": "series"},
    "fr": {"movie": "film", "series": "série"},
    "ru": {"movie": "фильм", "series": "сериал"},
    "ja": {"movie": "映画", "series": "シリーズ"},
}

# (native, romanised) pairs so slugs stay ASCII whatever the title language.
TITLE_WORDS = {
    "en": (
        [
            ("Silent", "silent"),
            ("Crimson", "crimson"),
            ("Last", "last"),
            ("Broken", "broken"),
            ("Hidden", "hidden"),
            ("Golden", "golden"),
            ("Frozen", "frozen"),
            ("Midnight", "midnight"),
            ("Wild", "wild"),
            ("Electric", "electric"),
            ("Lost", "lost"),
            ("Iron", "iron"),
        ],
        [
            ("Harbor", "harbor"),
            ("Empire", "empire"),
            ("Protocol", "protocol"),
            ("Garden", "garden"),
            ("Horizon", "horizon"),
            ("Witness", "witness"),
            ("Kingdom", "kingdom"),
            ("Signal", "signal"),
            ("Frontier", "frontier"),
            ("Machine", "machine"),
            ("River", "river"),
            ("Night", "night"),
        ],
    ),
    "fr": (
        [
            ("Dernier", "dernier"),
            ("Rouge", "rouge"),
            ("Silencieux", "silencieux"),
            ("Perdu", "perdu"),
            ("Grand", "grand"),
            ("Secret", "secret"),
            ("Noir", "noir"),
            ("Doré", "dore"),
        ],
        [
            ("Voyage", "voyage"),
            ("Royaume", "royaume"),
            ("Jardin", "jardin"),
            ("Horizon", "horizon"),
            ("Témoin", "temoin"),
            ("Fleuve", "fleuve"),
            ("Signal", "signal"),
            ("Empire", "empire"),
        ],
    ),
    "ru": (
        [
            ("Тихий", "tihiy"),
            ("Последний", "posledniy"),
            ("Красный", "krasniy"),
            ("Тайный", "tayniy"),
            ("Ледяной", "ledyanoy"),
            ("Дикий", "dikiy"),
        ],
        [
            ("Берег", "bereg"),
            ("Город", "gorod"),
            ("Сигнал", "signal"),
            ("Рубеж", "rubezh"),
            ("Свидетель", "svidetel"),
            ("Поток", "potok"),
        ],
    ),
    "ja": (
        [
            ("静かな", "shizukana"),
            ("最後の", "saigono"),
            ("赤い", "akai"),
            ("秘密の", "himitsuno"),
            ("遠い", "tooi"),
            ("夜の", "yoruno"),
        ],
        [
            ("港", "minato"),
            ("王国", "oukoku"),
            ("信号", "shingou"),
            ("庭", "niwa"),
            ("川", "kawa"),
            ("約束", "yakusoku"),
        ],
    ),
}

FILE_HOSTS = (
    "https://1fichier.com/?{id}",
    "https://uptobox.com/{id}",
    "https://rapidgator.net/file/{id}",
    "https://mega.nz/file/{id}",
    "https://turbobit.net/{id}.html",
)
PLAYER_HOSTS = ("player.example-host.com", "vidstream-cdn.net", "embedplay.cc", "hqplayer.to")
QUALITIES = ("720p", "1080p", "2160p", "WEB-DL", "BDRip", "HDTV")


def rng(*parts: object) -> random.Random:
    """A Random seeded deterministically from ``parts`` (str seeding is stable)."""
    return random.Random(":".join(str(p) for p in parts))


def stable_seed(text: str) -> int:
    """A stable integer seed from text (crc32; Python's hash() is randomised)."""
    return zlib.crc32(text.encode("utf-8"))


def _token(r: random.Random, n: int, alphabet: str = string.ascii_lowercase + string.digits) -> str:
    return "".join(r.choice(alphabet) for _ in range(n))


@dataclass(frozen=True)
class Identifiers:
    """Owner fingerprints that clones often forget to change."""

    ga4: str
    ua: str
    adsense: str
    metrika: str
    telegram: str

    @classmethod
    def generate(cls, seed: object, brand_slug: str) -> Identifiers:
        r = rng("ids", seed)
        upper = string.ascii_uppercase + string.digits
        return cls(
            ga4="G-" + _token(r, 10, upper),
            ua=f"UA-{r.randrange(10**7, 10**8)}-{r.randrange(1, 4)}",
            adsense=f"ca-pub-{r.randrange(10**15, 10**16)}",
            metrika=str(r.randrange(10**7, 10**8)),
            telegram="@" + brand_slug.replace("-", "_") + "_" + _token(r, 3, string.digits),
        )


@dataclass(frozen=True)
class Item:
    """One catalogue entry (a movie or a series) with its piracy artefacts."""

    index: int
    id: int
    kind: str
    title: str
    slug: str
    year: int
    genre: str
    quality: str
    size_mb: int
    rating: float
    infohash: str
    embed_id: str
    file_ids: tuple[str, ...]

    @property
    def path(self) -> str:
        """Detail page path, e.g. /movie/silent-harbor-48213.html."""
        return f"/{self.kind}/{self.slug}-{self.id}.html"


@dataclass
class Service:
    """A piracy (or, with kind='legal', a legitimate) service: brand plus catalogue."""

    name: str
    kind: str = "streaming"  # streaming | torrent | ddl | legal
    lang: str = "en"
    seed: int | None = None
    _items: dict[int, Item] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.seed is None:
            self.seed = stable_seed(self.name)
        if self.lang not in LANGS:
            raise ValueError(f"unsupported language {self.lang!r}")

    @property
    def slug(self) -> str:
        return "".join(c if c.isalnum() else "-" for c in self.name.lower()).strip("-")

    @cached_property
    def ids(self) -> Identifiers:
        return Identifiers.generate(self.seed, self.slug)

    @cached_property
    def player_host(self) -> str:
        return rng("player", self.seed).choice(PLAYER_HOSTS)

    @cached_property
    def genres(self) -> tuple[str, ...]:
        """Genre order of this service (the first few get genre pages)."""
        order = list(GENRES)
        rng("genres", self.seed).shuffle(order)
        return tuple(order)

    def item(self, index: int) -> Item:
        """Catalogue entry ``index`` (stable, generated on demand)."""
        if index not in self._items:
            self._items[index] = self._make_item(index)
        return self._items[index]

    def items(self, count: int, start: int = 0) -> list[Item]:
        return [self.item(i) for i in range(start, start + count)]

    def _make_item(self, index: int) -> Item:
        r = rng("item", self.seed, index)
        adjs, nouns = TITLE_WORDS[self.lang]
        (a, a_rom), (n, n_rom) = r.choice(adjs), r.choice(nouns)
        sep = "" if self.lang == "ja" else " "
        title = f"{a}{sep}{n}"
        item_id = r.randrange(10000, 99999)
        return Item(
            index=index,
            id=item_id,
            kind="series" if r.random() < 0.25 else "movie",
            title=title,
            slug=f"{a_rom}-{n_rom}",
            year=r.randrange(1995, 2027),
            genre=r.choice(self.genres[:5]),
            quality=r.choice(QUALITIES),
            size_mb=r.randrange(700, 16000),
            rating=round(r.uniform(4.0, 9.5), 1),
            infohash=_token(r, 40, "0123456789abcdef"),
            embed_id=_token(r, 12, string.ascii_letters + string.digits),
            file_ids=tuple(_token(r, 10) for _ in range(3)),
        )

    def description(self, item: Item, lang: str) -> str:
        """Localised one-line description (same facts in every language)."""
        return UI[lang]["desc"].format(
            title=item.title,
            year=item.year,
            genre=GENRE_NAMES[lang][item.genre].lower(),
            kind=KIND_NAMES[lang][item.kind],
            quality=item.quality,
        )

    def magnet(self, item: Item) -> str | None:
        if self.kind not in ("torrent", "streaming"):
            return None
        return (
            f"magnet:?xt=urn:btih:{item.infohash}&dn={item.slug}"
            "&tr=udp%3A%2F%2Ftracker.opentrackr.org%3A1337%2Fannounce"
        )

    def embed_url(self, item: Item) -> str | None:
        if self.kind == "legal":
            return f"https://www.youtube-nocookie.com/embed/{item.embed_id}"
        if self.kind in ("streaming", "ddl"):
            return f"https://{self.player_host}/embed/{item.embed_id}"
        return None

    def file_links(self, item: Item) -> list[str]:
        if self.kind not in ("ddl", "streaming"):
            return []
        hosts = FILE_HOSTS if self.kind == "ddl" else FILE_HOSTS[:1]
        return [h.format(id=fid) for h, fid in zip(hosts, item.file_ids, strict=False)]


def favicon(seed: object) -> bytes:
    """A valid 16x16 32-bit .ico whose colours and pattern depend on ``seed``."""
    r = rng("favicon", seed)
    fg = bytes((r.randrange(256), r.randrange(256), r.randrange(256), 255))
    bg = bytes((r.randrange(256), r.randrange(256), r.randrange(256), 255))
    mask_bits = [r.getrandbits(16) for _ in range(16)]
    pixels = b"".join(fg if (mask_bits[y] >> x) & 1 else bg for y in range(16) for x in range(16))
    header = struct.pack("<IiiHHIIiiII", 40, 16, 32, 1, 32, 0, len(pixels), 0, 0, 0, 0)
    image = header + pixels + bytes(16 * 4)  # AND mask: 16 rows of 32-bit padded zeros
    icondir = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", 16, 16, 0, 0, 1, 32, len(image), 6 + 16)
    return icondir + entry + image
