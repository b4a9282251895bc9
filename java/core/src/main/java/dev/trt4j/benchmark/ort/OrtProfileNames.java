package dev.trt4j.benchmark.ort;

/**
 * Makes JSON of the profile text ONNX Runtime writes, whose event names it copies from the model unescaped: a node
 * named {@code a"b} is written {@code "name" :"a"b_kernel_time"}, and a backslash in a name starts an escape that
 * JSON refuses ({@code q\_kernel_time}) or reads as another character ({@code a\nb} as a line break). Each event is
 * written as {@code ... "name" :"NAME","args" : {...}}, always in these words, so the name is the text between
 * those two markers; its quotes and backslashes are escaped, which gives back the name the model holds. A name that
 * itself holds {@code ","args" : {} cannot be told from the marker, and its profile stays unreadable.
 */
final class OrtProfileNames {
    private static final String NAME = "\"name\" :\"";
    private static final String AFTER_NAME = "\",\"args\" : {";

    private OrtProfileNames() {
    }

    /** {@code profile} with the quotes and backslashes in its event names escaped (control characters stay raw). */
    static String escape(String profile) {
        StringBuilder json = new StringBuilder(profile.length() + 64);
        int from = 0;
        while (true) {
            int start = profile.indexOf(NAME, from);
            int end = start < 0 ? -1 : profile.indexOf(AFTER_NAME, start + NAME.length());
            if (end < 0) {
                return json.append(profile, from, profile.length()).toString();
            }
            int nameStart = start + NAME.length();
            json.append(profile, from, nameStart);
            for (int i = nameStart; i < end; i++) {
                char c = profile.charAt(i);
                if (c == '"' || c == '\\') {
                    json.append('\\');
                }
                json.append(c);
            }
            json.append(AFTER_NAME);
            from = end + AFTER_NAME.length();
        }
    }
}
