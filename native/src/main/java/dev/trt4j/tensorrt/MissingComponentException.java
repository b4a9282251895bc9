package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.engine.MissingComponent;

/** A failure that is a missing or unusable component: its one line for commands, the component for doctor. */
final class MissingComponentException extends Trt4jException {
    private static final long serialVersionUID = 1L;
    private final transient MissingComponent component;

    MissingComponentException(MissingComponent component) {
        super(component.line());
        this.component = component;
    }

    MissingComponent component() {
        return component;
    }
}
