package io.attune.packbinaries;

/**
 * Every {@code -D} property the plugin reads, in one place. All start with {@code pack.}, so they
 * never collide with another plugin's.
 */
public final class PropertyNames {

  private PropertyNames() {}

  // Every goal
  public static final String SKIP = "pack.skip";
  public static final String TARGET = "pack.target";
  public static final String TARGETS = "pack.targets";
  public static final String OUTPUT_DIRECTORY = "pack.outputDirectory";

  // build
  public static final String CARGO_MANIFEST = "pack.cargo.manifest";
  public static final String BINARIES = "pack.binaries";
  public static final String CARGO_FEATURES = "pack.cargo.features";
  public static final String CARGO_PROFILE = "pack.cargo.profile";
  public static final String TOOLCHAIN = "pack.toolchain";
  public static final String BUILDER_IMAGE = "pack.builder.image";
  public static final String BUILDER_COMMAND = "pack.builder.command";
  public static final String CONTAINER_ENGINE = "pack.container.engine";
  public static final String BUILDER_ENVIRONMENT = "pack.builder.environment";
  public static final String STAGE_DIRECTORY = "pack.stageDirectory";

  // verify
  public static final String BINARY = "pack.binary";
  public static final String VERIFY_RUN = "pack.verify.run";
  public static final String VERIFY_RUN_ARGS = "pack.verify.runArgs";
  public static final String VERIFY_RUN_TIMEOUT = "pack.verify.runTimeout";
  public static final String VERIFY_PUBLIC_KEY = "pack.verify.publicKey";

  // image
  public static final String IMAGE_BASE = "pack.image.base";
  public static final String IMAGE_FORMAT = "pack.image.format";
  public static final String IMAGE_LOAD = "pack.image.load";
  public static final String IMAGE_LOCAL_NAME = "pack.image.localName";
  public static final String IMAGE_PACK = "pack.image.pack";
  public static final String IMAGE_REVISION = "pack.image.revision";
  public static final String IMAGE_SOURCE = "pack.image.source";

  // push and index
  public static final String IMAGE = "pack.image";
  public static final String IMAGE_TAGS = "pack.image.tags";
  public static final String ALLOW_INSECURE_REGISTRIES = "pack.allowInsecureRegistries";
  public static final String SEND_CREDENTIALS_OVER_HTTP = "pack.sendCredentialsOverHttp";
  public static final String INDEX_IMAGES = "pack.index.images";
  public static final String INDEX_PARTS = "pack.index.parts";
  public static final String INDEX_PLATFORMS = "pack.index.platforms";
  public static final String PUSH_PART = "pack.push.part";
  public static final String COMPOSE_FILE = "pack.compose.file";
  public static final String COMPOSE_UPDATE = "pack.compose.update";
  public static final String PUSH_RETRIES = "pack.push.retries";
  public static final String PUSH_RETRY_TIMEOUT = "pack.push.retryTimeout";
  public static final String PUSH_AUDIT = "pack.push.audit";

  // push: supply chain
  public static final String SBOM = "pack.sbom";
  public static final String SIGN_KEY = "pack.sign.key";
  public static final String SIGN_PASSPHRASE_ENV = "pack.sign.passphraseEnv";

  /** The settings.xml {@code <server>} id whose password is the signing key's passphrase. */
  public static final String SIGNING_SERVER_ID = "pack-binaries-signing";
}
