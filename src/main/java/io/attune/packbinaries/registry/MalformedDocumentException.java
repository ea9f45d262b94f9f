package io.attune.packbinaries.registry;

/**
 * A registry served a manifest or index that clients could read in different ways: not one JSON
 * object, keys equal but for case, both {@code manifests} and {@code layers}, or a {@code
 * Content-Type} that disagrees with its own {@code mediaType}. What is audited must be what is
 * pulled, so such a document is refused; asking again gets the same bytes, so it is not retried.
 */
public final class MalformedDocumentException extends RegistryException {

  MalformedDocumentException(String message) {
    super(0, message);
  }
}
