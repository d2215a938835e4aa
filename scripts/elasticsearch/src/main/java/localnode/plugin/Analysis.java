package localnode.plugin;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.ar.ArabicNormalizationFilter;
import org.apache.lucene.analysis.bg.BulgarianAnalyzer;
import org.apache.lucene.analysis.bn.BengaliAnalyzer;
import org.apache.lucene.analysis.bn.BengaliNormalizationFilter;
import org.apache.lucene.analysis.br.BrazilianAnalyzer;
import org.apache.lucene.analysis.ca.CatalanAnalyzer;
import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.ckb.SoraniAnalyzer;
import org.apache.lucene.analysis.ckb.SoraniNormalizationFilter;
import org.apache.lucene.analysis.classic.ClassicFilter;
import org.apache.lucene.analysis.classic.ClassicTokenizer;
import org.apache.lucene.analysis.core.DecimalDigitFilter;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.LetterTokenizer;
import org.apache.lucene.analysis.core.SimpleAnalyzer;
import org.apache.lucene.analysis.core.StopAnalyzer;
import org.apache.lucene.analysis.core.UpperCaseFilter;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.cz.CzechAnalyzer;
import org.apache.lucene.analysis.da.DanishAnalyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.de.GermanLightStemFilter;
import org.apache.lucene.analysis.de.GermanMinimalStemFilter;
import org.apache.lucene.analysis.de.GermanNormalizationFilter;
import org.apache.lucene.analysis.el.GreekAnalyzer;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.es.SpanishLightStemFilter;
import org.apache.lucene.analysis.et.EstonianAnalyzer;
import org.apache.lucene.analysis.eu.BasqueAnalyzer;
import org.apache.lucene.analysis.fa.PersianAnalyzer;
import org.apache.lucene.analysis.fa.PersianNormalizationFilter;
import org.apache.lucene.analysis.fi.FinnishAnalyzer;
import org.apache.lucene.analysis.fi.FinnishLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.ga.IrishAnalyzer;
import org.apache.lucene.analysis.gl.GalicianAnalyzer;
import org.apache.lucene.analysis.hi.HindiAnalyzer;
import org.apache.lucene.analysis.hi.HindiNormalizationFilter;
import org.apache.lucene.analysis.hu.HungarianAnalyzer;
import org.apache.lucene.analysis.hu.HungarianLightStemFilter;
import org.apache.lucene.analysis.hy.ArmenianAnalyzer;
import org.apache.lucene.analysis.id.IndonesianAnalyzer;
import org.apache.lucene.analysis.in.IndicNormalizationFilter;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.it.ItalianLightStemFilter;
import org.apache.lucene.analysis.lt.LithuanianAnalyzer;
import org.apache.lucene.analysis.lv.LatvianAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.KeepWordFilter;
import org.apache.lucene.analysis.miscellaneous.LengthFilter;
import org.apache.lucene.analysis.miscellaneous.LimitTokenCountFilter;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.miscellaneous.ScandinavianFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.ScandinavianNormalizationFilter;
import org.apache.lucene.analysis.miscellaneous.SetKeywordMarkerFilter;
import org.apache.lucene.analysis.miscellaneous.TrimFilter;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterIterator;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.no.NorwegianAnalyzer;
import org.apache.lucene.analysis.path.PathHierarchyTokenizer;
import org.apache.lucene.analysis.path.ReversePathHierarchyTokenizer;
import org.apache.lucene.analysis.pattern.PatternReplaceCharFilter;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseLightStemFilter;
import org.apache.lucene.analysis.reverse.ReverseStringFilter;
import org.apache.lucene.analysis.ro.RomanianAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.apache.lucene.analysis.ru.RussianLightStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.sr.SerbianNormalizationFilter;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.apache.lucene.analysis.sv.SwedishLightStemFilter;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;
import org.apache.lucene.analysis.th.ThaiAnalyzer;
import org.apache.lucene.analysis.th.ThaiTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tr.ApostropheFilter;
import org.apache.lucene.analysis.tr.TurkishAnalyzer;
import org.apache.lucene.analysis.util.CharTokenizer;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.common.regex.Regex;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexService.IndexCreationContext;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.NormalizingCharFilterFactory;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.PreBuiltAnalyzerProviderFactory;
import org.elasticsearch.index.analysis.PreConfiguredCharFilter;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.index.analysis.PreConfiguredTokenizer;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.indices.analysis.PreBuiltCacheFactory.CachingStrategy;
import org.elasticsearch.plugins.AnalysisPlugin;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Analysis components that the official distribution gets from its {@code analysis-common} module,
 * re-implemented on the Lucene classes that module wraps, with the same names and the documented
 * settings. Covers the analyzers, tokenizers, token filters and char filters most projects use
 * (not all of the upstream module: e.g. no hunspell dictionaries, no wordnet synonyms, no
 * predicate/condition scripts).
 */
final class Analysis {

    private Analysis() {}

    // ------------------------------------------------------------------ analyzers

    /** A language analyzer built from (stopwords, stem exclusion). */
    private record Lang(String name, Supplier<CharArraySet> defaultStopwords, BiFunction<CharArraySet, CharArraySet, Analyzer> create) {}

    private static final List<Lang> LANGUAGES = List.of(
        new Lang("arabic", ArabicAnalyzer::getDefaultStopSet, ArabicAnalyzer::new),
        new Lang("armenian", ArmenianAnalyzer::getDefaultStopSet, ArmenianAnalyzer::new),
        new Lang("basque", BasqueAnalyzer::getDefaultStopSet, BasqueAnalyzer::new),
        new Lang("bengali", BengaliAnalyzer::getDefaultStopSet, BengaliAnalyzer::new),
        new Lang("brazilian", BrazilianAnalyzer::getDefaultStopSet, BrazilianAnalyzer::new),
        new Lang("bulgarian", BulgarianAnalyzer::getDefaultStopSet, BulgarianAnalyzer::new),
        new Lang("catalan", CatalanAnalyzer::getDefaultStopSet, CatalanAnalyzer::new),
        new Lang("cjk", CJKAnalyzer::getDefaultStopSet, (stop, stem) -> new CJKAnalyzer(stop)),
        new Lang("czech", CzechAnalyzer::getDefaultStopSet, CzechAnalyzer::new),
        new Lang("danish", DanishAnalyzer::getDefaultStopSet, DanishAnalyzer::new),
        new Lang("dutch", DutchAnalyzer::getDefaultStopSet, DutchAnalyzer::new),
        new Lang("english", EnglishAnalyzer::getDefaultStopSet, EnglishAnalyzer::new),
        new Lang("estonian", EstonianAnalyzer::getDefaultStopSet, EstonianAnalyzer::new),
        new Lang("finnish", FinnishAnalyzer::getDefaultStopSet, FinnishAnalyzer::new),
        new Lang("french", FrenchAnalyzer::getDefaultStopSet, FrenchAnalyzer::new),
        new Lang("galician", GalicianAnalyzer::getDefaultStopSet, GalicianAnalyzer::new),
        new Lang("german", GermanAnalyzer::getDefaultStopSet, GermanAnalyzer::new),
        new Lang("greek", GreekAnalyzer::getDefaultStopSet, (stop, stem) -> new GreekAnalyzer(stop)),
        new Lang("hindi", HindiAnalyzer::getDefaultStopSet, HindiAnalyzer::new),
        new Lang("hungarian", HungarianAnalyzer::getDefaultStopSet, HungarianAnalyzer::new),
        new Lang("indonesian", IndonesianAnalyzer::getDefaultStopSet, IndonesianAnalyzer::new),
        new Lang("irish", IrishAnalyzer::getDefaultStopSet, IrishAnalyzer::new),
        new Lang("italian", ItalianAnalyzer::getDefaultStopSet, ItalianAnalyzer::new),
        new Lang("latvian", LatvianAnalyzer::getDefaultStopSet, LatvianAnalyzer::new),
        new Lang("lithuanian", LithuanianAnalyzer::getDefaultStopSet, LithuanianAnalyzer::new),
        new Lang("norwegian", NorwegianAnalyzer::getDefaultStopSet, NorwegianAnalyzer::new),
        new Lang("persian", PersianAnalyzer::getDefaultStopSet, (stop, stem) -> new PersianAnalyzer(stop)),
        new Lang("portuguese", PortugueseAnalyzer::getDefaultStopSet, PortugueseAnalyzer::new),
        new Lang("romanian", RomanianAnalyzer::getDefaultStopSet, RomanianAnalyzer::new),
        new Lang("russian", RussianAnalyzer::getDefaultStopSet, RussianAnalyzer::new),
        new Lang("sorani", SoraniAnalyzer::getDefaultStopSet, SoraniAnalyzer::new),
        new Lang("spanish", SpanishAnalyzer::getDefaultStopSet, SpanishAnalyzer::new),
        new Lang("swedish", SwedishAnalyzer::getDefaultStopSet, SwedishAnalyzer::new),
        new Lang("thai", ThaiAnalyzer::getDefaultStopSet, (stop, stem) -> new ThaiAnalyzer(stop)),
        new Lang("turkish", TurkishAnalyzer::getDefaultStopSet, TurkishAnalyzer::new)
    );

    private static final class SimpleAnalyzerProvider extends AbstractIndexAnalyzerProvider<Analyzer> {
        private final Analyzer analyzer;

        SimpleAnalyzerProvider(String name, Settings settings, Analyzer analyzer) {
            super(name, settings);
            this.analyzer = analyzer;
        }

        @Override
        public Analyzer get() {
            return analyzer;
        }
    }

    static Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> analyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> m = new LinkedHashMap<>();
        for (Lang lang : LANGUAGES) {
            m.put(lang.name(), (idx, env, name, s) -> {
                CharArraySet stop = org.elasticsearch.index.analysis.Analysis.parseStopWords(env, s, lang.defaultStopwords().get());
                CharArraySet stem = org.elasticsearch.index.analysis.Analysis.parseStemExclusion(s, CharArraySet.EMPTY_SET);
                return new SimpleAnalyzerProvider(name, s, lang.create().apply(stop, stem));
            });
        }
        m.put("simple", (idx, env, name, s) -> new SimpleAnalyzerProvider(name, s, new SimpleAnalyzer()));
        m.put("whitespace", (idx, env, name, s) -> new SimpleAnalyzerProvider(name, s, new WhitespaceAnalyzer()));
        m.put("stop", (idx, env, name, s) -> {
            CharArraySet stop = org.elasticsearch.index.analysis.Analysis.parseStopWords(env, s, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
            return new SimpleAnalyzerProvider(name, s, new StopAnalyzer(stop));
        });
        return m;
    }

    static List<PreBuiltAnalyzerProviderFactory> preBuiltAnalyzers() {
        List<PreBuiltAnalyzerProviderFactory> l = new ArrayList<>();
        for (Lang lang : LANGUAGES) {
            l.add(
                new PreBuiltAnalyzerProviderFactory(
                    lang.name(),
                    CachingStrategy.LUCENE,
                    () -> lang.create().apply(lang.defaultStopwords().get(), CharArraySet.EMPTY_SET)
                )
            );
        }
        l.add(new PreBuiltAnalyzerProviderFactory("simple", CachingStrategy.LUCENE, SimpleAnalyzer::new));
        l.add(new PreBuiltAnalyzerProviderFactory("whitespace", CachingStrategy.LUCENE, WhitespaceAnalyzer::new));
        l.add(new PreBuiltAnalyzerProviderFactory("stop", CachingStrategy.LUCENE, () -> new StopAnalyzer(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET)));
        return l;
    }

    // ------------------------------------------------------------------ tokenizers

    static Map<String, AnalysisProvider<TokenizerFactory>> tokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> m = new LinkedHashMap<>();
        m.put("ngram", (idx, env, name, s) -> {
            int min = s.getAsInt("min_gram", NGramTokenizer.DEFAULT_MIN_NGRAM_SIZE);
            int max = s.getAsInt("max_gram", NGramTokenizer.DEFAULT_MAX_NGRAM_SIZE);
            checkNgramDiff(idx, min, max, "NGram Tokenizer");
            IntPredicate chars = tokenChars(s);
            return TokenizerFactory.newFactory(name, () -> chars == null ? new NGramTokenizer(min, max) : new NGramTokenizer(min, max) {
                @Override
                protected boolean isTokenChar(int chr) {
                    return chars.test(chr);
                }
            });
        });
        m.put("edge_ngram", (idx, env, name, s) -> {
            int min = s.getAsInt("min_gram", NGramTokenizer.DEFAULT_MIN_NGRAM_SIZE);
            int max = s.getAsInt("max_gram", NGramTokenizer.DEFAULT_MAX_NGRAM_SIZE);
            IntPredicate chars = tokenChars(s);
            return TokenizerFactory.newFactory(name, () -> chars == null ? new EdgeNGramTokenizer(min, max) : new EdgeNGramTokenizer(min, max) {
                @Override
                protected boolean isTokenChar(int chr) {
                    return chars.test(chr);
                }
            });
        });
        m.put("whitespace", (idx, env, name, s) -> {
            int maxLen = s.getAsInt("max_token_length", 255);
            return TokenizerFactory.newFactory(name, () -> new WhitespaceTokenizer(maxLen));
        });
        m.put("keyword", (idx, env, name, s) -> {
            int buffer = s.getAsInt("buffer_size", 256);
            return TokenizerFactory.newFactory(name, () -> new KeywordTokenizer(buffer));
        });
        m.put("letter", (idx, env, name, s) -> TokenizerFactory.newFactory(name, LetterTokenizer::new));
        m.put("lowercase", (idx, env, name, s) -> TokenizerFactory.newFactory(name, LowerCaseTokenizer::new));
        m.put("classic", (idx, env, name, s) -> {
            int maxLen = s.getAsInt("max_token_length", 255);
            return TokenizerFactory.newFactory(name, () -> {
                ClassicTokenizer t = new ClassicTokenizer();
                t.setMaxTokenLength(maxLen);
                return t;
            });
        });
        m.put("uax_url_email", (idx, env, name, s) -> {
            int maxLen = s.getAsInt("max_token_length", 255);
            return TokenizerFactory.newFactory(name, () -> {
                UAX29URLEmailTokenizer t = new UAX29URLEmailTokenizer();
                t.setMaxTokenLength(maxLen);
                return t;
            });
        });
        m.put("pattern", (idx, env, name, s) -> {
            String pattern = s.get("pattern", "\\W+");
            Pattern p = Regex.compile(pattern, s.get("flags"));
            int group = s.getAsInt("group", -1);
            return TokenizerFactory.newFactory(name, () -> new PatternTokenizer(p, group));
        });
        m.put("path_hierarchy", (idx, env, name, s) -> {
            char delimiter = singleChar(s, "delimiter", PathHierarchyTokenizer.DEFAULT_DELIMITER);
            char replacement = singleChar(s, "replacement", delimiter);
            int buffer = s.getAsInt("buffer_size", 1024);
            int skip = s.getAsInt("skip", 0);
            boolean reverse = s.getAsBoolean("reverse", false);
            return TokenizerFactory.newFactory(
                name,
                () -> reverse
                    ? new ReversePathHierarchyTokenizer(buffer, delimiter, replacement, skip)
                    : new PathHierarchyTokenizer(buffer, delimiter, replacement, skip)
            );
        });
        m.put("char_group", (idx, env, name, s) -> {
            IntPredicate breaks = charGroup(s.getAsList("tokenize_on_chars"));
            int maxLen = s.getAsInt("max_token_length", 255);
            return TokenizerFactory.newFactory(name, () -> new CharTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, maxLen) {
                @Override
                protected boolean isTokenChar(int c) {
                    return breaks.test(c) == false;
                }
            });
        });
        m.put("thai", (idx, env, name, s) -> TokenizerFactory.newFactory(name, ThaiTokenizer::new));
        return m;
    }

    static List<PreConfiguredTokenizer> preConfiguredTokenizers() {
        return List.of(
            PreConfiguredTokenizer.singleton("keyword", KeywordTokenizer::new),
            PreConfiguredTokenizer.singleton("classic", ClassicTokenizer::new),
            PreConfiguredTokenizer.singleton("uax_url_email", UAX29URLEmailTokenizer::new),
            PreConfiguredTokenizer.singleton("path_hierarchy", PathHierarchyTokenizer::new),
            PreConfiguredTokenizer.singleton("letter", LetterTokenizer::new),
            PreConfiguredTokenizer.singleton("whitespace", WhitespaceTokenizer::new),
            PreConfiguredTokenizer.singleton("ngram", NGramTokenizer::new),
            PreConfiguredTokenizer.singleton(
                "edge_ngram",
                () -> new EdgeNGramTokenizer(NGramTokenizer.DEFAULT_MIN_NGRAM_SIZE, NGramTokenizer.DEFAULT_MAX_NGRAM_SIZE)
            ),
            PreConfiguredTokenizer.singleton("pattern", () -> new PatternTokenizer(Regex.compile("\\W+", null), -1)),
            PreConfiguredTokenizer.singleton("thai", ThaiTokenizer::new),
            PreConfiguredTokenizer.singleton("lowercase", LowerCaseTokenizer::new)
        );
    }

    /** Letters only, lowercased (Lucene 9 dropped its LowerCaseTokenizer; CharTokenizer cannot be extended for this). */
    static final class LowerCaseTokenizer extends Tokenizer {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
        private String text;
        private int pos;

        @Override
        public boolean incrementToken() throws IOException {
            clearAttributes();
            if (text == null) {
                StringBuilder sb = new StringBuilder();
                char[] buf = new char[1024];
                for (int n; (n = input.read(buf)) != -1;) {
                    sb.append(buf, 0, n);
                }
                text = sb.toString();
            }
            int len = text.length();
            while (pos < len && Character.isLetter(text.codePointAt(pos)) == false) {
                pos += Character.charCount(text.codePointAt(pos));
            }
            if (pos >= len) {
                return false;
            }
            int start = pos;
            while (pos < len) {
                int cp = text.codePointAt(pos);
                if (Character.isLetter(cp) == false) {
                    break;
                }
                term.append(new String(Character.toChars(Character.toLowerCase(cp))));
                pos += Character.charCount(cp);
            }
            offset.setOffset(correctOffset(start), correctOffset(pos));
            return true;
        }

        @Override
        public void end() throws IOException {
            super.end();
            int end = correctOffset(text == null ? 0 : text.length());
            offset.setOffset(end, end);
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            text = null;
            pos = 0;
        }
    }

    private static void checkNgramDiff(IndexSettings idx, int min, int max, String what) {
        if (idx == null) {
            return;
        }
        int allowed = idx.getMaxNgramDiff();
        int diff = max - min;
        if (diff > allowed) {
            throw new IllegalArgumentException(
                "The difference between max_gram and min_gram in "
                    + what
                    + " must be less than or equal to: ["
                    + allowed
                    + "] but was ["
                    + diff
                    + "]. This limit can be set by changing the ["
                    + IndexSettings.MAX_NGRAM_DIFF_SETTING.getKey()
                    + "] index level setting."
            );
        }
    }

    /** {@code token_chars} of the ngram tokenizers; null means "every character". */
    private static IntPredicate tokenChars(Settings s) {
        List<String> names = s.getAsList("token_chars");
        if (names == null || names.isEmpty()) {
            return null;
        }
        IntPredicate p = c -> false;
        for (String n : names) {
            switch (n.toLowerCase(Locale.ROOT)) {
                case "letter" -> p = p.or(Character::isLetter);
                case "digit" -> p = p.or(Character::isDigit);
                case "whitespace" -> p = p.or(Character::isWhitespace);
                case "punctuation" -> p = p.or(Analysis::isPunctuation);
                case "symbol" -> p = p.or(Analysis::isSymbol);
                case "custom" -> {
                    String custom = s.get("custom_token_chars");
                    if (custom == null) {
                        throw new IllegalArgumentException("Token type: 'custom' requires setting `custom_token_chars`");
                    }
                    Set<Integer> cps = new HashSet<>();
                    custom.codePoints().forEach(cps::add);
                    p = p.or(cps::contains);
                }
                default -> throw new IllegalArgumentException(
                    "Unknown token type: '" + n + "', must be one of [symbol, custom, whitespace, letter, punctuation, digit]"
                );
            }
        }
        return p;
    }

    private static boolean isPunctuation(int c) {
        return switch (Character.getType(c)) {
            case Character.START_PUNCTUATION, Character.END_PUNCTUATION, Character.OTHER_PUNCTUATION,
                Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                Character.FINAL_QUOTE_PUNCTUATION -> true;
            default -> false;
        };
    }

    private static boolean isSymbol(int c) {
        return switch (Character.getType(c)) {
            case Character.CURRENCY_SYMBOL, Character.MATH_SYMBOL, Character.OTHER_SYMBOL, Character.MODIFIER_SYMBOL -> true;
            default -> false;
        };
    }

    /** {@code tokenize_on_chars} of the char_group tokenizer. */
    private static IntPredicate charGroup(List<String> entries) {
        IntPredicate p = c -> false;
        for (String e : entries) {
            switch (e) {
                case "letter" -> p = p.or(Character::isLetter);
                case "digit" -> p = p.or(Character::isDigit);
                case "whitespace" -> p = p.or(Character::isWhitespace);
                case "punctuation" -> p = p.or(Analysis::isPunctuation);
                case "symbol" -> p = p.or(Analysis::isSymbol);
                default -> {
                    String u = unescape(e);
                    if (u.codePointCount(0, u.length()) != 1) {
                        throw new IllegalArgumentException("Invalid escaped char in [" + e + "]");
                    }
                    int cp = u.codePointAt(0);
                    p = p.or(c -> c == cp);
                }
            }
        }
        return p;
    }

    private static char singleChar(Settings s, String key, char dflt) {
        String v = s.get(key);
        if (v == null) {
            return dflt;
        }
        if (v.length() != 1) {
            throw new IllegalArgumentException(key + " can only be a one char value");
        }
        return v.charAt(0);
    }

    // ------------------------------------------------------------------ token filters

    @FunctionalInterface
    private interface FilterBuilder {
        Function<TokenStream, TokenStream> build(IndexSettings idx, Environment env, Settings s) throws IOException;
    }

    private record Filter(String name, Function<TokenStream, TokenStream> fn) implements TokenFilterFactory {
        @Override
        public TokenStream create(TokenStream tokenStream) {
            return fn.apply(tokenStream);
        }
    }

    /** A filter that is also applied when normalizing (keyword normalizers, multi-term queries). */
    private record NormalizingFilter(String name, Function<TokenStream, TokenStream> fn) implements NormalizingTokenFilterFactory {
        @Override
        public TokenStream create(TokenStream tokenStream) {
            return fn.apply(tokenStream);
        }
    }

    private static AnalysisProvider<TokenFilterFactory> filter(FilterBuilder b) {
        return (idx, env, name, s) -> new Filter(name, b.build(idx, env, s));
    }

    private static AnalysisProvider<TokenFilterFactory> normalizingFilter(FilterBuilder b) {
        return (idx, env, name, s) -> new NormalizingFilter(name, b.build(idx, env, s));
    }

    static Map<String, AnalysisProvider<TokenFilterFactory>> tokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> m = new LinkedHashMap<>();
        m.put("asciifolding", normalizingFilter((idx, env, s) -> {
            boolean preserve = s.getAsBoolean("preserve_original", false);
            return ts -> new ASCIIFoldingFilter(ts, preserve);
        }));
        m.put("cjk_bigram", filter((idx, env, s) -> {
            Set<String> scripts = new HashSet<>(List.of("han", "hiragana", "katakana", "hangul"));
            List<String> ignored = s.getAsList("ignored_scripts");
            if (ignored != null) {
                ignored.forEach(scripts::remove);
            }
            int flags = 0;
            for (String script : scripts) {
                flags |= switch (script) {
                    case "han" -> CJKBigramFilter.HAN;
                    case "hiragana" -> CJKBigramFilter.HIRAGANA;
                    case "katakana" -> CJKBigramFilter.KATAKANA;
                    case "hangul" -> CJKBigramFilter.HANGUL;
                    default -> 0;
                };
            }
            int f = flags;
            boolean unigrams = s.getAsBoolean("output_unigrams", false);
            return ts -> new CJKBigramFilter(ts, f, unigrams);
        }));
        m.put("cjk_width", normalizingFilter((idx, env, s) -> CJKWidthFilter::new));
        m.put("ngram", filter((idx, env, s) -> {
            int min = s.getAsInt("min_gram", 1);
            int max = s.getAsInt("max_gram", 2);
            boolean preserve = s.getAsBoolean("preserve_original", false);
            checkNgramDiff(idx, min, max, "NGram Token Filter");
            return ts -> new NGramTokenFilter(ts, min, max, preserve);
        }));
        m.put("edge_ngram", filter((idx, env, s) -> {
            int min = s.getAsInt("min_gram", 1);
            int max = s.getAsInt("max_gram", 2);
            boolean preserve = s.getAsBoolean("preserve_original", false);
            String side = s.get("side", "front");
            boolean back = switch (side) {
                case "front" -> false;
                case "back" -> true;
                default -> throw new IllegalArgumentException("invalid side: [" + side + "], must be either [front] or [back]");
            };
            return back
                ? ts -> new ReverseStringFilter(new EdgeNGramTokenFilter(new ReverseStringFilter(ts), min, max, preserve))
                : ts -> new EdgeNGramTokenFilter(ts, min, max, preserve);
        }));
        m.put("uppercase", normalizingFilter((idx, env, s) -> UpperCaseFilter::new));
        m.put("trim", normalizingFilter((idx, env, s) -> TrimFilter::new));
        m.put("reverse", filter((idx, env, s) -> ReverseStringFilter::new));
        m.put("unique", filter((idx, env, s) -> {
            boolean samePosition = s.getAsBoolean("only_on_same_position", false);
            return samePosition ? RemoveDuplicatesTokenFilter::new : UniqueTokenFilter::new;
        }));
        m.put("length", filter((idx, env, s) -> {
            int min = s.getAsInt("min", 0);
            int max = s.getAsInt("max", Integer.MAX_VALUE);
            return ts -> new LengthFilter(ts, min, max);
        }));
        m.put("truncate", filter((idx, env, s) -> {
            int length = s.getAsInt("length", 10);
            if (length <= 0) {
                throw new IllegalArgumentException("length parameter must be provided");
            }
            return ts -> new TruncateTokenFilter(ts, length);
        }));
        m.put("limit", filter((idx, env, s) -> {
            int max = s.getAsInt("max_token_count", 1);
            boolean all = s.getAsBoolean("consume_all_tokens", false);
            return ts -> new LimitTokenCountFilter(ts, max, all);
        }));
        m.put("elision", AnalysisPlugin.requiresAnalysisSettings(normalizingFilter((idx, env, s) -> {
            CharArraySet articles = org.elasticsearch.index.analysis.Analysis.parseArticles(env, s);
            if (articles == null) {
                throw new IllegalArgumentException("elision filter requires [articles] or [articles_path] setting");
            }
            return ts -> new ElisionFilter(ts, articles);
        })));
        m.put("keep", AnalysisPlugin.requiresAnalysisSettings(filter((idx, env, s) -> {
            CharArraySet words = org.elasticsearch.index.analysis.Analysis.getWordSet(env, s, "keep_words");
            if (words == null) {
                throw new IllegalArgumentException("keep requires either `keep_words` or `keep_words_path` to be configured");
            }
            if (s.getAsBoolean("keep_words_case", false)) {
                words = new CharArraySet(words, true);
            }
            CharArraySet w = words;
            return ts -> new KeepWordFilter(ts, w);
        })));
        m.put("keyword_marker", AnalysisPlugin.requiresAnalysisSettings(filter((idx, env, s) -> {
            CharArraySet words = org.elasticsearch.index.analysis.Analysis.getWordSet(env, s, "keywords");
            if (words == null) {
                throw new IllegalArgumentException("keyword filter requires either `keywords` or `keywords_path` to be configured");
            }
            if (s.getAsBoolean("ignore_case", false)) {
                words = new CharArraySet(words, true);
            }
            CharArraySet w = words;
            return ts -> new SetKeywordMarkerFilter(ts, w);
        })));
        m.put("porter_stem", filter((idx, env, s) -> PorterStemFilter::new));
        m.put("kstem", filter((idx, env, s) -> KStemFilter::new));
        m.put("snowball", filter((idx, env, s) -> {
            String language = s.get("language", s.get("name", "English"));
            return ts -> new SnowballFilter(ts, language);
        }));
        m.put("stemmer", filter((idx, env, s) -> stemmer(s.get("language", s.get("name", "porter")))));
        m.put("word_delimiter_graph", filter((idx, env, s) -> {
            int flags = 0;
            flags |= flag(s, "generate_word_parts", true, WordDelimiterGraphFilter.GENERATE_WORD_PARTS);
            flags |= flag(s, "generate_number_parts", true, WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS);
            flags |= flag(s, "catenate_words", false, WordDelimiterGraphFilter.CATENATE_WORDS);
            flags |= flag(s, "catenate_numbers", false, WordDelimiterGraphFilter.CATENATE_NUMBERS);
            flags |= flag(s, "catenate_all", false, WordDelimiterGraphFilter.CATENATE_ALL);
            flags |= flag(s, "split_on_case_change", true, WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE);
            flags |= flag(s, "preserve_original", false, WordDelimiterGraphFilter.PRESERVE_ORIGINAL);
            flags |= flag(s, "split_on_numerics", true, WordDelimiterGraphFilter.SPLIT_ON_NUMERICS);
            flags |= flag(s, "stem_english_possessive", true, WordDelimiterGraphFilter.STEM_ENGLISH_POSSESSIVE);
            flags |= flag(s, "ignore_keywords", false, WordDelimiterGraphFilter.IGNORE_KEYWORDS);
            boolean adjustOffsets = s.getAsBoolean("adjust_offsets", true);
            CharArraySet protectedWords = org.elasticsearch.index.analysis.Analysis.getWordSet(env, s, "protected_words");
            int f = flags;
            return ts -> new WordDelimiterGraphFilter(ts, adjustOffsets, WordDelimiterIterator.DEFAULT_WORD_DELIM_TABLE, f, protectedWords);
        }));
        m.put("synonym", synonyms(false));
        m.put("synonym_graph", synonyms(true));
        m.put("decimal_digit", normalizingFilter((idx, env, s) -> DecimalDigitFilter::new));
        m.put("classic", filter((idx, env, s) -> ClassicFilter::new));
        m.put("apostrophe", filter((idx, env, s) -> ApostropheFilter::new));
        m.put("arabic_normalization", normalizingFilter((idx, env, s) -> ArabicNormalizationFilter::new));
        m.put("bengali_normalization", normalizingFilter((idx, env, s) -> BengaliNormalizationFilter::new));
        m.put("german_normalization", normalizingFilter((idx, env, s) -> GermanNormalizationFilter::new));
        m.put("hindi_normalization", normalizingFilter((idx, env, s) -> HindiNormalizationFilter::new));
        m.put("indic_normalization", normalizingFilter((idx, env, s) -> IndicNormalizationFilter::new));
        m.put("persian_normalization", normalizingFilter((idx, env, s) -> PersianNormalizationFilter::new));
        m.put("scandinavian_normalization", normalizingFilter((idx, env, s) -> ScandinavianNormalizationFilter::new));
        m.put("scandinavian_folding", normalizingFilter((idx, env, s) -> ScandinavianFoldingFilter::new));
        m.put("serbian_normalization", normalizingFilter((idx, env, s) -> SerbianNormalizationFilter::new));
        m.put("sorani_normalization", normalizingFilter((idx, env, s) -> SoraniNormalizationFilter::new));
        return m;
    }

    private static int flag(Settings s, String key, boolean dflt, int flag) {
        return s.getAsBoolean(key, dflt) ? flag : 0;
    }

    private static Function<TokenStream, TokenStream> stemmer(String language) {
        return switch (language.toLowerCase(Locale.ROOT)) {
            case "porter", "english" -> PorterStemFilter::new;
            case "light_english", "kstem" -> KStemFilter::new;
            case "minimal_english" -> EnglishMinimalStemFilter::new;
            case "possessive_english" -> EnglishPossessiveFilter::new;
            case "porter2" -> ts -> new SnowballFilter(ts, "English");
            case "lovins" -> ts -> new SnowballFilter(ts, "Lovins");
            case "light_german", "german2" -> GermanLightStemFilter::new;
            case "minimal_german" -> GermanMinimalStemFilter::new;
            case "light_french" -> FrenchLightStemFilter::new;
            case "minimal_french" -> FrenchMinimalStemFilter::new;
            case "light_spanish" -> SpanishLightStemFilter::new;
            case "light_italian" -> ItalianLightStemFilter::new;
            case "light_portuguese" -> PortugueseLightStemFilter::new;
            case "light_finnish" -> FinnishLightStemFilter::new;
            case "light_hungarian" -> HungarianLightStemFilter::new;
            case "light_russian" -> RussianLightStemFilter::new;
            case "light_swedish" -> SwedishLightStemFilter::new;
            default -> {
                // the Snowball stemmers: arabic, armenian, basque, catalan, danish, dutch, finnish, french, german,
                // hungarian, indonesian, irish, italian, lithuanian, norwegian, portuguese, romanian, russian,
                // serbian, spanish, swedish, turkish, ...
                String snowball = Character.toUpperCase(language.charAt(0)) + language.substring(1).toLowerCase(Locale.ROOT);
                try {
                    Class.forName("org.tartarus.snowball.ext." + snowball + "Stemmer", false, SnowballFilter.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalArgumentException("unknown stemmer language [" + language + "]");
                }
                yield ts -> new SnowballFilter(ts, snowball);
            }
        };
    }

    /** ES's "unique" filter: drops any token whose text was already seen in this stream. */
    static final class UniqueTokenFilter extends TokenFilter {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final CharArraySet seen = new CharArraySet(8, false);

        UniqueTokenFilter(TokenStream in) {
            super(in);
        }

        @Override
        public boolean incrementToken() throws IOException {
            while (input.incrementToken()) {
                char[] buffer = term.buffer();
                int length = term.length();
                if (seen.contains(buffer, 0, length) == false) {
                    char[] copy = new char[length];
                    System.arraycopy(buffer, 0, copy, 0, length);
                    seen.add(copy);
                    return true;
                }
            }
            return false;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            seen.clear();
        }
    }

    /**
     * synonym / synonym_graph in Solr format ({@code synonyms} or {@code synonyms_path}); the rules are
     * analyzed with the tokenizer, char filters and preceding filters of the analyzer they are used in.
     */
    private static AnalysisProvider<TokenFilterFactory> synonyms(boolean graph) {
        return AnalysisPlugin.requiresAnalysisSettings((idx, env, name, s) -> {
            String format = s.get("format", "");
            if (format.isEmpty() == false && format.equals("solr") == false) {
                throw new IllegalArgumentException("[" + name + "]: only the solr synonym format is supported by this test node");
            }
            if (s.get("synonyms_set") != null) {
                throw new IllegalArgumentException("[" + name + "]: synonyms_set is not supported by this test node");
            }
            List<String> rules = org.elasticsearch.index.analysis.Analysis.getWordList(env, s, "synonyms");
            if (rules == null) {
                throw new IllegalArgumentException("synonym requires either `synonyms`, `synonyms_set` or `synonyms_path` to be configured");
            }
            boolean expand = s.getAsBoolean("expand", true);
            boolean lenient = s.getAsBoolean("lenient", false);
            boolean updateable = s.getAsBoolean("updateable", false);
            if (updateable) {
                throw new IllegalArgumentException("[" + name + "]: updateable synonyms are not supported by this test node");
            }
            return new SynonymFilterFactory(name, graph, String.join("\n", rules), expand, lenient);
        });
    }

    private static final class SynonymFilterFactory implements TokenFilterFactory {
        private final String name;
        private final boolean graph;
        private final String rules;
        private final boolean expand;
        private final boolean lenient;

        SynonymFilterFactory(String name, boolean graph, String rules, boolean expand, boolean lenient) {
            this.name = name;
            this.graph = graph;
            this.rules = rules;
            this.expand = expand;
            this.lenient = lenient;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            throw new IllegalStateException("Call getChainAwareTokenFilterFactory to specialize this factory for an analysis chain first");
        }

        @Override
        public TokenFilterFactory getChainAwareTokenFilterFactory(
            IndexCreationContext context,
            TokenizerFactory tokenizer,
            List<CharFilterFactory> charFilters,
            List<TokenFilterFactory> previousTokenFilters,
            Function<String, TokenFilterFactory> allFilters
        ) {
            Analyzer ruleAnalyzer = new Analyzer() {
                @Override
                protected Reader initReader(String fieldName, Reader reader) {
                    for (CharFilterFactory cf : charFilters) {
                        reader = cf.create(reader);
                    }
                    return reader;
                }

                @Override
                protected TokenStreamComponents createComponents(String fieldName) {
                    Tokenizer t = tokenizer.create();
                    TokenStream ts = t;
                    for (TokenFilterFactory f : previousTokenFilters) {
                        ts = f.getSynonymFilter().create(ts);
                    }
                    return new TokenStreamComponents(t, ts);
                }
            };
            SynonymMap map;
            try {
                SolrSynonymParser parser = new SolrSynonymParser(true, expand, ruleAnalyzer);
                if (lenient) {
                    parser = new SolrSynonymParser(true, expand, ruleAnalyzer) {
                        @Override
                        public void add(org.apache.lucene.util.CharsRef input, org.apache.lucene.util.CharsRef output, boolean includeOrig) {
                            if (input.length > 0 && output.length > 0) {
                                super.add(input, output, includeOrig);
                            }
                        }
                    };
                }
                parser.parse(new StringReader(rules));
                map = parser.build();
            } catch (Exception e) {
                throw new IllegalArgumentException("failed to build synonyms", e);
            } finally {
                ruleAnalyzer.close();
            }
            String n = name;
            SynonymMap sm = map;
            return new TokenFilterFactory() {
                @Override
                public String name() {
                    return n;
                }

                @Override
                @SuppressWarnings("deprecation")
                public TokenStream create(TokenStream tokenStream) {
                    if (sm.fst == null) {
                        return tokenStream;
                    }
                    return graph
                        ? new SynonymGraphFilter(tokenStream, sm, false)
                        : new org.apache.lucene.analysis.synonym.SynonymFilter(tokenStream, sm, false);
                }

                @Override
                public TokenFilterFactory getSynonymFilter() {
                    return IDENTITY_FILTER;
                }
            };
        }
    }

    static List<PreConfiguredTokenFilter> preConfiguredTokenFilters() {
        return List.of(
            PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new),
            PreConfiguredTokenFilter.singleton("cjk_bigram", false, CJKBigramFilter::new),
            PreConfiguredTokenFilter.singleton("cjk_width", true, CJKWidthFilter::new),
            PreConfiguredTokenFilter.singleton("ngram", false, false, ts -> new NGramTokenFilter(ts, 1, 2, false)),
            PreConfiguredTokenFilter.singleton("edge_ngram", false, false, ts -> new EdgeNGramTokenFilter(ts, 1)),
            PreConfiguredTokenFilter.singleton("stop", false, ts -> new StopFilter(ts, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET)),
            PreConfiguredTokenFilter.singleton("uppercase", true, UpperCaseFilter::new),
            PreConfiguredTokenFilter.singleton("trim", true, TrimFilter::new),
            PreConfiguredTokenFilter.singleton("reverse", false, ReverseStringFilter::new),
            PreConfiguredTokenFilter.singleton("unique", false, UniqueTokenFilter::new),
            PreConfiguredTokenFilter.singleton("truncate", false, ts -> new TruncateTokenFilter(ts, 10)),
            PreConfiguredTokenFilter.singleton("limit", false, ts -> new LimitTokenCountFilter(ts, 1, false)),
            PreConfiguredTokenFilter.singleton("porter_stem", false, PorterStemFilter::new),
            PreConfiguredTokenFilter.singleton("kstem", false, KStemFilter::new),
            PreConfiguredTokenFilter.singleton("snowball", false, ts -> new SnowballFilter(ts, "English")),
            PreConfiguredTokenFilter.singleton("stemmer", false, PorterStemFilter::new),
            PreConfiguredTokenFilter.singleton(
                "elision",
                true,
                ts -> new ElisionFilter(ts, FrenchAnalyzer.DEFAULT_ARTICLES)
            ),
            PreConfiguredTokenFilter.singleton(
                "word_delimiter_graph",
                false,
                false,
                ts -> new WordDelimiterGraphFilter(
                    ts,
                    true,
                    WordDelimiterIterator.DEFAULT_WORD_DELIM_TABLE,
                    WordDelimiterGraphFilter.GENERATE_WORD_PARTS | WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS
                        | WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE | WordDelimiterGraphFilter.SPLIT_ON_NUMERICS
                        | WordDelimiterGraphFilter.STEM_ENGLISH_POSSESSIVE,
                    null
                )
            ),
            PreConfiguredTokenFilter.singleton("decimal_digit", true, DecimalDigitFilter::new),
            PreConfiguredTokenFilter.singleton("classic", false, ClassicFilter::new),
            PreConfiguredTokenFilter.singleton("apostrophe", false, ApostropheFilter::new),
            PreConfiguredTokenFilter.singleton("arabic_normalization", true, ArabicNormalizationFilter::new),
            PreConfiguredTokenFilter.singleton("bengali_normalization", true, BengaliNormalizationFilter::new),
            PreConfiguredTokenFilter.singleton("german_normalization", true, GermanNormalizationFilter::new),
            PreConfiguredTokenFilter.singleton("hindi_normalization", true, HindiNormalizationFilter::new),
            PreConfiguredTokenFilter.singleton("indic_normalization", true, IndicNormalizationFilter::new),
            PreConfiguredTokenFilter.singleton("persian_normalization", true, PersianNormalizationFilter::new),
            PreConfiguredTokenFilter.singleton("scandinavian_normalization", true, ScandinavianNormalizationFilter::new),
            PreConfiguredTokenFilter.singleton("scandinavian_folding", true, ScandinavianFoldingFilter::new),
            PreConfiguredTokenFilter.singleton("serbian_normalization", true, SerbianNormalizationFilter::new),
            PreConfiguredTokenFilter.singleton("sorani_normalization", true, SoraniNormalizationFilter::new)
        );
    }

    // ------------------------------------------------------------------ char filters

    private record CharFilter(String name, Function<Reader, Reader> fn) implements CharFilterFactory {
        @Override
        public Reader create(Reader reader) {
            return fn.apply(reader);
        }
    }

    private record NormalizingCharFilter(String name, Function<Reader, Reader> fn) implements NormalizingCharFilterFactory {
        @Override
        public Reader create(Reader reader) {
            return fn.apply(reader);
        }
    }

    static Map<String, AnalysisProvider<CharFilterFactory>> charFilters() {
        Map<String, AnalysisProvider<CharFilterFactory>> m = new LinkedHashMap<>();
        m.put("html_strip", (idx, env, name, s) -> {
            List<String> escaped = s.getAsList("escaped_tags");
            Set<String> tags = escaped == null || escaped.isEmpty() ? null : new HashSet<>(escaped);
            return new CharFilter(name, r -> tags == null ? new HTMLStripCharFilter(r) : new HTMLStripCharFilter(r, tags));
        });
        m.put("mapping", AnalysisPlugin.requiresAnalysisSettings((idx, env, name, s) -> {
            List<String> rules = org.elasticsearch.index.analysis.Analysis.getWordList(env, s, "mappings");
            if (rules == null) {
                throw new IllegalArgumentException("mapping requires either `mappings` or `mappings_path` to be configured");
            }
            NormalizeCharMap.Builder b = new NormalizeCharMap.Builder();
            for (String rule : rules) {
                Matcher mm = MAPPING_RULE.matcher(rule);
                if (mm.find() == false) {
                    throw new IllegalArgumentException("Invalid Mapping Rule : [" + rule + "]");
                }
                String lhs = unescape(mm.group(1).trim());
                String rhs = unescape(mm.group(2).trim());
                if (lhs.isEmpty()) {
                    throw new IllegalArgumentException("Invalid Mapping Rule : [" + rule + "]. Illegal mapping.");
                }
                b.add(lhs, rhs);
            }
            NormalizeCharMap map = b.build();
            return new NormalizingCharFilter(name, r -> new MappingCharFilter(map, r));
        }));
        m.put("pattern_replace", AnalysisPlugin.requiresAnalysisSettings((idx, env, name, s) -> {
            String pattern = s.get("pattern");
            if (pattern == null) {
                throw new IllegalArgumentException("pattern is missing for [" + name + "] char filter of type 'pattern_replace'");
            }
            Pattern p = Regex.compile(pattern, s.get("flags"));
            String replacement = s.get("replacement", "");
            return new NormalizingCharFilter(name, r -> new PatternReplaceCharFilter(p, replacement, r));
        }));
        return m;
    }

    static List<PreConfiguredCharFilter> preConfiguredCharFilters() {
        return List.of(PreConfiguredCharFilter.singleton("html_strip", false, HTMLStripCharFilter::new));
    }

    private static final Pattern MAPPING_RULE = Pattern.compile("(.*)\\s*=>\\s*(.*)\\s*$");

    /** Backslash escapes as in the upstream mapping/char_group parsers: \\ \n \t \r \b \f \\uXXXX. */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case '\\' -> out.append('\\');
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (i + 4 >= s.length()) {
                        throw new IllegalArgumentException("Invalid escaped char in [" + s + "]");
                    }
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(n);
            }
        }
        return out.toString();
    }
}
